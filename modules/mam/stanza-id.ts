/**
 * The archive's <stanza-id/> on messages: added with the archive id, and any copy claiming to be
 * ours removed first, so a sender cannot plant an id in the recipient's archive namespace.
 *
 * References:
 * - XEP-0359 §3 (the generating entity overrides a stanza-id whose 'by' is its own address; at most
 *   one stanza-id per 'by'), §5 (security)
 * - XEP-0313 §3.5 ('by' is the archive's address: the account's bare JID)
 * - reliability.md §0 item 6, RT-06 (strip client-supplied <stanza-id by=us>)
 */
import type { Element } from "ltx";
import { tryParseJid } from "../../lib/jid";
import { el } from "../../lib/stanza";
import { nsOf } from "../../lib/xml/element";
import { NS_SID } from "./ns";

/** Whether a 'by' names this archive; compared prepared, so case or width variants count as ours. */
function claims(by: unknown, archive: string): boolean {
  if (typeof by !== "string") return false;
  return by === archive || tryParseJid(by)?.toString() === archive;
}

/** Removes every top-level <stanza-id/> whose 'by' is `archive` (a bare JID string). */
export function stripStanzaIds(stanza: Element, archive: string): void {
  stanza.children = stanza.children.filter(
    (c) => typeof c === "string" || !(c.name === "stanza-id" && nsOf(c) === NS_SID && claims(c.attrs.by, archive)),
  );
}

/** Appends our <stanza-id/>; returns it so the caller can take it off again. */
export function addStanzaId(stanza: Element, archive: string, id: string): Element {
  const sid = el("stanza-id", { xmlns: NS_SID, by: archive, id });
  sid.parent = stanza;
  stanza.children.push(sid);
  return sid;
}

export function removeChild(stanza: Element, child: Element): void {
  stanza.children = stanza.children.filter((c) => c !== child);
}
