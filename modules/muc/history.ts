/**
 * A room's discussion history: the last messages reflected, kept in memory and bounded both in
 * count and in characters, and the selection a joining occupant asked for.
 *
 * References:
 * - XEP-0045 §7.2.13 (history is sent after presence and before the subject, stamped with a
 *   <delay/> from the room), §7.2.14 (maxchars counts characters of complete stanzas, maxstanzas,
 *   seconds, since; the service sends the smallest amount that meets every criterion, and
 *   maxchars='0' means none)
 * - XEP-0082 §3.3 (DateTime of 'since')
 */
import type { Element } from "ltx";
import { findChild } from "../../lib/xml/element";
import { serialize } from "../../lib/xml/serialize";
import { MUC } from "./ns";

export interface HistoryEntry {
  /** The message as reflected, without 'to'. */
  stanza: Element;
  at: Date;
  chars: number;
}

export interface HistoryRequest {
  maxchars?: number;
  maxstanzas?: number;
  seconds?: number;
  since?: Date;
}

/** A room keeps at most this many characters of history whatever the count, so a few huge messages cannot pin memory. */
const MAX_HISTORY_CHARS = 512 * 1024;

export class History {
  private entries: HistoryEntry[] = [];
  private chars = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxChars = MAX_HISTORY_CHARS,
  ) {}

  get size(): number {
    return this.entries.length;
  }

  add(stanza: Element, at: Date): void {
    if (this.maxEntries === 0) return;
    const entry = { stanza, at, chars: serialize(stanza).length };
    this.entries.push(entry);
    this.chars += entry.chars;
    while (this.entries.length > this.maxEntries || (this.chars > this.maxChars && this.entries.length > 1)) {
      this.chars -= this.entries.shift()!.chars;
    }
  }

  /** Oldest first. Without any criterion the room's default count applies. */
  select(req: HistoryRequest, defaultCount: number, now = new Date()): HistoryEntry[] {
    const asked = req.maxchars !== undefined || req.maxstanzas !== undefined || req.seconds !== undefined || req.since !== undefined;
    const count = Math.min(asked ? (req.maxstanzas ?? this.maxEntries) : defaultCount, this.maxEntries);
    let cutoff = req.since?.getTime() ?? -Infinity;
    if (req.seconds !== undefined) cutoff = Math.max(cutoff, now.getTime() - req.seconds * 1000);
    const out: HistoryEntry[] = [];
    let chars = 0;
    for (let i = this.entries.length - 1; i >= 0 && out.length < count; i--) {
      const e = this.entries[i];
      if (e.at.getTime() < cutoff) break;
      if (req.maxchars !== undefined && chars + e.chars > req.maxchars) break;
      chars += e.chars;
      out.push(e);
    }
    return out.reverse();
  }
}

function nonNegativeInt(v: string | undefined): number | undefined {
  if (v === undefined || !/^\s*\d{1,9}\s*$/.test(v)) return undefined;
  return Number(v);
}

/** The <history/> of a join presence; attributes that do not parse are ignored. */
export function historyRequest(join: Element): HistoryRequest {
  const x = findChild(join, "x", MUC.BASE);
  const h = x && findChild(x, "history", MUC.BASE);
  if (!h) return {};
  const since = h.attrs.since === undefined ? undefined : new Date(h.attrs.since as string);
  return {
    maxchars: nonNegativeInt(h.attrs.maxchars as string | undefined),
    maxstanzas: nonNegativeInt(h.attrs.maxstanzas as string | undefined),
    seconds: nonNegativeInt(h.attrs.seconds as string | undefined),
    since: since && !Number.isNaN(since.getTime()) ? since : undefined,
  };
}
