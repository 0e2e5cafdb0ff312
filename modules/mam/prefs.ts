/**
 * Archiving preferences: the <prefs/> element, and whether they let a message with a given
 * contact into the archive.
 *
 * References:
 * - XEP-0441 §2.1 (<prefs default='always|never|roster'> with <always/> and <never/> lists of
 *   <jid/>; both lists present, even empty, in replies; the reply shows what was applied)
 * - XEP-0441 §2.1.1 (default), §2.3.1 (a listed full JID matches the target as-is, a listed bare
 *   JID matches the target's bare JID; roster checks use the bare JID), §2.3.2/§2.3.3 (target:
 *   'to' of outgoing, 'from' of incoming messages)
 * - Decision: a target matched by both lists (a bare JID in one, a full JID in the other) is not
 *   archived: when the user said "never" about it in any form, that wins.
 */
import type { Element } from "ltx";
import { stanzaError } from "../../lib/errors";
import { JID, tryParseJid } from "../../lib/jid";
import { el } from "../../lib/stanza";
import { findChild, findChildren, getText } from "../../lib/xml/element";
import { NS_MAM } from "./ns";

export const DEFAULTS = ["always", "never", "roster"] as const;
export type DefaultPref = (typeof DEFAULTS)[number];

export interface Prefs {
  [k: string]: string | string[];
  default: DefaultPref;
  always: string[];
  never: string[];
}

function jidList(prefs: Element, name: "always" | "never", max: number): string[] {
  const list = findChild(prefs, name, NS_MAM);
  if (!list) return [];
  const out = new Set<string>();
  for (const item of findChildren(list, "jid", NS_MAM)) {
    const jid = tryParseJid(getText(item).trim());
    if (!jid) throw stanzaError("jid-malformed", `A <${name}/> entry is not a valid JID`);
    out.add(jid.toString());
  }
  if (out.size > max) throw stanzaError("policy-violation", `At most ${max} JIDs per list`);
  return [...out];
}

/** Reads a <prefs/> set; throws the StanzaError the client should get. */
export function parsePrefs(prefs: Element, maxJids: number): Prefs {
  const def = prefs.attrs.default as string | undefined;
  if (!(DEFAULTS as readonly (string | undefined)[]).includes(def)) throw stanzaError("bad-request", "'default' must be always, never or roster");
  const never = jidList(prefs, "never", maxJids);
  const neverSet = new Set(never);
  // The same JID in both lists: "never" wins, and the reply shows it.
  const always = jidList(prefs, "always", maxJids).filter((j) => !neverSet.has(j));
  return { default: def as DefaultPref, always, never };
}

export function prefsElement(p: Prefs): Element {
  const list = (name: string, jids: string[]) => el(name, {}, jids.map((j) => el("jid", {}, j)));
  return el("prefs", { xmlns: NS_MAM, default: p.default }, list("always", p.always), list("never", p.never));
}

function listed(list: readonly string[], target: JID): boolean {
  const full = target.toString();
  const bare = target.bare.toString();
  // A listed bare JID stands for all its resources; a listed full JID for that one only.
  return list.some((j) => j === full || j === bare);
}

/** Whether a message with `target` goes into the archive; `inRoster` is asked only for default='roster'. */
export async function prefsAllow(p: Prefs, target: JID, inRoster: (bare: string) => Promise<boolean>): Promise<boolean> {
  if (listed(p.never, target)) return false;
  if (listed(p.always, target)) return true;
  if (p.default === "always") return true;
  if (p.default === "never") return false;
  return inRoster(target.bare.toString());
}
