/**
 * Checks a roster set before anything changes.
 *
 * References:
 * - RFC 6121 §2.1.5 (a roster set carries exactly one item)
 * - RFC 6121 §2.3.3 (bad-request: more than one item, duplicate groups; not-acceptable: empty
 *   group, name or group longer than the server's limit)
 * - RFC 6121 §2.1.2.2, §2.1.2.5 (a client's 'ask' and 'approved' are ignored; 'subscription'
 *   means something only as "remove")
 */
import type { Element } from "ltx";
import { stanzaError } from "../../lib/errors";
import { JID, tryParseJid } from "../../lib/jid";
import { childElements, getText } from "../../lib/stanza";
import { NS } from "../../lib/xml/ns";

export interface RosterLimits {
  maxTextLength: number;
  maxGroups: number;
}

export type RosterSetRequest =
  | { remove: true; jid: JID }
  | { remove: false; jid: JID; name: string | undefined; groups: string[] };

/** Length in characters (code points), what a user would count. */
function length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++, n++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) i++;
  }
  return n;
}

/** Parses a roster set's <query/>; throws the StanzaError RFC 6121 names for each violation. */
export function parseRosterSet(query: Element, owner: JID, limits: RosterLimits): RosterSetRequest {
  const items = childElements(query);
  if (items.length !== 1 || items[0].name !== "item" || (items[0].attrs.xmlns ?? NS.ROSTER) !== NS.ROSTER) {
    throw stanzaError("bad-request", "A roster set carries exactly one <item/>");
  }
  const item = items[0];
  const rawJid = item.attrs.jid as string | undefined;
  if (rawJid === undefined) throw stanzaError("bad-request", "The <item/> needs a 'jid'");
  const jid = tryParseJid(rawJid);
  if (!jid) throw stanzaError("jid-malformed", "The item's 'jid' is not a valid JID");
  if (jid.resource) throw stanzaError("bad-request", "Roster items are bare JIDs");
  if (jid.equals(owner.bare)) throw stanzaError("not-allowed", "An account cannot be on its own roster");
  if (item.attrs.subscription === "remove") return { remove: true, jid };

  const name = item.attrs.name as string | undefined;
  if (name !== undefined && length(name) > limits.maxTextLength) throw stanzaError("not-acceptable", `The name is longer than ${limits.maxTextLength} characters`);
  const groups: string[] = [];
  const seen = new Set<string>();
  for (const g of childElements(item)) {
    if (g.name !== "group") continue;
    const text = getText(g);
    if (text.length === 0) throw stanzaError("not-acceptable", "A <group/> is empty");
    if (length(text) > limits.maxTextLength) throw stanzaError("not-acceptable", `A group name is longer than ${limits.maxTextLength} characters`);
    if (seen.has(text)) throw stanzaError("bad-request", `The group "${text}" is listed twice`);
    seen.add(text);
    groups.push(text);
  }
  if (groups.length > limits.maxGroups) throw stanzaError("not-acceptable", `An item may be in at most ${limits.maxGroups} groups`);
  return { remove: false, jid, name: name === "" ? undefined : name, groups };
}
