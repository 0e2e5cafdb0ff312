/**
 * Which blocklist entries cover an address.
 *
 * References:
 * - XEP-0191 §6 (JID matching, in XEP-0016 order: user@domain/resource, user@domain, domain/resource, domain)
 */
import type { JID } from "../../lib/jid";

/** The entries that would block `jid`, most specific first. */
export function matchingEntries(jid: JID): string[] {
  const out = [jid.toString()];
  if (jid.local && jid.resource) out.push(jid.toBareString());
  if (jid.resource && jid.local) out.push(`${jid.domain}/${jid.resource}`);
  if (jid.local || jid.resource) out.push(jid.domain);
  return out;
}

export function isBlocked(list: ReadonlySet<string>, jid: JID): boolean {
  if (list.size === 0) return false;
  for (const entry of matchingEntries(jid)) if (list.has(entry)) return true;
  return false;
}

/** Whether the blocklist entry `entry` (itself a JID) covers `jid`. */
export function entryCovers(entry: JID, jid: JID): boolean {
  return matchingEntries(jid).includes(entry.toString());
}
