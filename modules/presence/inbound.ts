/**
 * Presence arriving for a local account or for the server itself: availability is delivered,
 * probes are answered on the account's behalf.
 *
 * References:
 * - RFC 6121 §4.3.2 (inbound probe: subscribers get each available resource's last presence, or
 *   unavailable; anyone else, or a probe for an account that does not exist, gets "unsubscribed")
 * - RFC 6121 §8.5.1 (no such account: presence ignored, probes ignored or answered "unsubscribed";
 *   we answer, so a probe cannot tell a missing account from one that says no: RT-11)
 * - RFC 6121 §8.5.2.1.2, §8.5.2.2.2 (bare JID: available resources, or nothing)
 * - RFC 6121 §8.5.3.1 (full JID: that resource)
 */
import type { StanzaEvent } from "../../lib/router";
import { el } from "../../lib/stanza";
import { isSubscriber, rosterStoreOf } from "../roster/service";
import type { PresenceContext } from "./broadcast";
import { currentPresences } from "./send";
import { availableResources } from "./state";

/** Available, unavailable and error presence to an account's bare or full JID. */
export function deliver(ctx: PresenceContext, ev: StanzaEvent): true | undefined {
  const type = ev.stanza.attrs.type as string | undefined;
  if (type !== undefined && type !== "unavailable" && type !== "error") return undefined;
  const { sessions } = ctx.server;
  if (ev.kind === "full") {
    const target = sessions.get(ev.to);
    if (target && !target.closed) target.send(ev.stanza);
  } else {
    for (const s of availableResources(sessions, ctx.host.name, ev.to.local)) s.send(ev.stanza);
  }
  return true;
}

/** A probe for a local account, from one of our clients or another server. */
export async function answerProbe(ctx: PresenceContext, ev: StanzaEvent): Promise<void> {
  const owner = ev.to.bare;
  const prober = ev.from;
  const ownerJid = owner.toString();
  let allowed = false;
  if (await ctx.server.accounts.exists(ctx.host.name, owner.local)) {
    allowed = prober.bare.equals(owner) || isSubscriber(await rosterStoreOf(ctx.host)?.read(owner.local), prober.bare.toString());
  }
  if (!allowed) {
    ctx.send(el("presence", { type: "unsubscribed", from: ownerJid, to: prober.bare.toString() }));
    return;
  }
  // The answer goes where the probe came from: a probe from a full JID informs that resource only.
  const current = currentPresences(ctx.server.sessions, ctx.host.name, owner.local, prober.toString(), ctx.host.name);
  if (current.length === 0) ctx.send(el("presence", { type: "unavailable", from: ownerJid, to: prober.toString() }));
  for (const p of current) ctx.send(p);
}

/** Presence to the server's own JID: it is always available and accepts every subscriber (as Prosody does). */
export function hostPresence(ctx: PresenceContext, ev: StanzaEvent): true {
  const type = ev.stanza.attrs.type as string | undefined;
  const from = ctx.host.name;
  const to = ev.from.bare.toString();
  if (type === "probe") ctx.send(el("presence", { from, to: ev.from.toString() }));
  else if (type === "subscribe") {
    ctx.send(el("presence", { type: "subscribed", from, to }));
    ctx.send(el("presence", { from, to }));
  }
  return true;
}
