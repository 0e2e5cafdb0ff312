/**
 * Presence when the blocklist changes. Until the roster records subscriptions, "allowed to receive
 * the user's presence" is approximated by: the blocked contact itself (for a user JID) and whoever
 * got directed presence from the user's resources.
 *
 * References:
 * - XEP-0191 §3.3 (on block: unavailable presence to the blocked JID; and unavailable presence from
 *   it to the user's available resources when the user saw its presence)
 * - XEP-0191 §3.4 (on unblock: the user's current presence to the JID, only if it may receive it)
 * - RFC 6121 §4.6 (directed presence)
 */
import type { Element } from "ltx";
import { JID, tryParseJid } from "../../lib/jid";
import type { ModuleContext } from "../../lib/module-host/define";
import { cloneElement, el } from "../../lib/stanza";
import { availableResources, isAvailable, presenceState } from "../presence/state";
import { entryCovers } from "./jid-match";

function directedTargets(targets: Iterable<string>, items: readonly JID[]): string[] {
  const out: string[] = [];
  for (const t of targets) {
    const jid = tryParseJid(t);
    if (jid && items.some((i) => entryCovers(i, jid))) out.push(t);
  }
  return out;
}

export function presenceOnBlock(mod: ModuleContext, user: string, items: readonly JID[], exempt: WeakSet<Element>): void {
  const host = mod.host!;
  const sessions = mod.server.sessions;
  const mine = availableResources(sessions, host.name, user);
  if (mine.length === 0) return;
  // A bare item reaches every resource of the contact, so directed targets it covers need nothing more.
  const addressed = items.filter((i) => i.local);
  const coveredByAddressed = (t: string) => {
    const jid = tryParseJid(t);
    return !!jid && addressed.some((a) => a.equals(jid) || (a.isBare && a.equals(jid.bare)));
  };
  for (const s of mine) {
    const targets = new Set(addressed.map((a) => a.toString()));
    for (const t of directedTargets(presenceState(s).directed ?? [], items)) if (!coveredByAddressed(t)) targets.add(t);
    for (const to of targets) {
      const p = el("presence", { type: "unavailable", from: s.jid!.toString(), to });
      exempt.add(p);
      mod.send(p);
    }
  }
  // The contact vanishes from the user's clients too; we only know local contacts' resources.
  for (const item of addressed) {
    if (!mod.server.hosts.has(item.domain)) continue;
    for (const c of sessions.resources(item.domain, item.local)) {
      if (!isAvailable(c) || !c.jid || !entryCovers(item, c.jid)) continue;
      for (const s of mine) s.send(el("presence", { type: "unavailable", from: c.jid.toString(), to: s.jid!.toString() }));
    }
  }
}

export function presenceOnUnblock(mod: ModuleContext, user: string, items: readonly JID[]): void {
  if (items.length === 0) return;
  for (const s of availableResources(mod.server.sessions, mod.host!.name, user)) {
    const st = presenceState(s);
    if (!st.last) continue;
    for (const to of directedTargets(st.directed ?? [], items)) {
      const p = cloneElement(st.last);
      p.attrs.from = s.jid!.toString();
      p.attrs.to = to;
      mod.send(p);
    }
  }
}
