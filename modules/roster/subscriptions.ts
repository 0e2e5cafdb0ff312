/**
 * Subscription-related presence at both ends: a local client's subscribe/subscribed/unsubscribe/
 * unsubscribed leaving (outbound), and the same arriving for a local account (inbound), whoever
 * sent it. The state machine decides; this file stores, pushes, routes and delivers.
 *
 * References:
 * - RFC 6121 §3.1.2 (the user's server stamps the bare JID and routes to the contact's bare JID)
 * - RFC 6121 §3.1.3 (a request for an account with no available resource is kept and delivered
 *   "whenever the contact creates an available resource, until the contact either approves or denies")
 * - RFC 6121 §3.1.3, §3.1.6, §3.2.3, §3.3.3 (subscribe goes to available resources, the others to
 *   interested resources)
 * - RFC 6121 §8.5.1 (subscription stanzas for an account that does not exist are ignored)
 * - RFC 6121 Appendix A (every transition and non-transition)
 */
import { randomBytes } from "node:crypto";
import type { Element } from "ltx";
import { stanzaError } from "../../lib/errors";
import type { Host } from "../../lib/host";
import type { JID } from "../../lib/jid";
import type { Logger } from "../../lib/log";
import type { StanzaEvent } from "../../lib/router";
import type { Server } from "../../lib/server";
import { cloneElement, el } from "../../lib/stanza";
import type { Session } from "../../lib/stream/session";
import { currentPresences, unavailablePresences } from "../presence/send";
import { availableResources } from "../presence/state";
import type { PendingRequest, RosterItem } from "./model";
import { interestedResources, pushToInterested } from "./push";
import { inbound, outbound, SubState, SubscriptionType } from "./state-machine";
import { loadElement, storedSize, storeElement } from "./stored-element";
import type { RosterStore, RosterTx } from "./store";

export interface SubscriptionLimits {
  maxItems: number;
  maxPending: number;
  /** Largest kept request (JSON characters); bigger ones are kept without their extensions. */
  maxPendingSize: number;
}

export interface SubscriptionContext {
  host: Host;
  server: Server;
  store: RosterStore;
  limits: SubscriptionLimits;
  /** Posts a server-generated stanza through the router (local or remote peer alike). */
  send(stanza: Element): void;
  log: Logger;
}

const HANDED = "roster-requests-handed";

/**
 * Hands a kept request to a resource unless it already has it: a request arriving just as the
 * resource becomes available would otherwise come both live and from storage.
 */
function handRequest(session: Session, request: PendingRequest): void {
  let handed = session.data.get(HANDED) as Set<string> | undefined;
  if (!handed) session.data.set(HANDED, (handed = new Set()));
  if (handed.has(request.id)) return;
  handed.add(request.id);
  session.send(loadElement(request.stanza));
}

function stateOf(tx: RosterTx, jid: string): SubState {
  const item = tx.item(jid);
  return { subscription: item?.subscription ?? "none", ask: item?.ask ?? false, approved: item?.approved ?? false, pendingIn: tx.doc.pending.has(jid) };
}

/** Writes the new state; returns the item when the client-visible part changed (a push is due). */
function applyState(tx: RosterTx, jid: string, before: SubState, next: SubState): RosterItem | undefined {
  if (before.pendingIn && !next.pendingIn) {
    tx.doc.pending.delete(jid);
    tx.touch();
  }
  const item = tx.item(jid);
  const visible = item
    ? item.subscription !== next.subscription || item.ask !== next.ask || item.approved !== next.approved
    : next.subscription !== "none" || next.ask || next.approved;
  if (!visible) return undefined;
  return tx.putItem(jid, { name: item?.name, groups: item?.groups ?? [], subscription: next.subscription, ask: next.ask, approved: next.approved });
}

/** A copy of a subscription stanza addressed between bare JIDs, as RFC 6121 §3.1.2 stamps it. */
function bareCopy(stanza: Element, from: string, to: string): Element {
  const copy = cloneElement(stanza);
  copy.attrs.from = from;
  copy.attrs.to = to;
  return copy;
}

function presenceEffect(ctx: SubscriptionContext, local: string, peer: string, effect: "available" | "unavailable" | undefined, bareFrom: string): void {
  const { sessions } = ctx.server;
  if (effect === "available") {
    const current = currentPresences(sessions, ctx.host.name, local, peer);
    // Prosody sends "unavailable" when nothing is available, so the peer knows where it stands.
    if (current.length === 0) ctx.send(el("presence", { type: "unavailable", from: bareFrom, to: peer }));
    for (const p of current) ctx.send(p);
  } else if (effect === "unavailable") {
    for (const p of unavailablePresences(sessions, ctx.host.name, local, peer)) ctx.send(p);
  }
}

/** A local client's subscription stanza, on its way out (Appendix A.2). */
export async function handleOutbound(ctx: SubscriptionContext, session: Session, stanza: Element, type: SubscriptionType, contact: JID): Promise<void> {
  const user = session.jid!.bare;
  // RFC 6121 §3.1.1: one subscribes to a bare JID; an account is always subscribed to itself.
  if (contact.equals(user)) return;
  const jid = contact.toString();
  const userJid = user.toString();
  await ctx.store.transact(user.local, (tx) => {
    const before = stateOf(tx, jid);
    const r = outbound(type, before);
    if (!tx.item(jid) && tx.doc.items.size >= ctx.limits.maxItems && (r.next.ask || r.next.approved || r.next.subscription !== "none")) {
      ctx.server.router.replyError(session, stanza, stanzaError("not-allowed", `The roster is full (${ctx.limits.maxItems} items)`));
      return;
    }
    const pushed = applyState(tx, jid, before, r.next);
    tx.after(() => {
      if (pushed) pushToInterested(ctx.server.sessions, ctx.host.name, user.local, jid, pushed, tx.version);
      if (r.route) ctx.send(bareCopy(stanza, userJid, jid));
      presenceEffect(ctx, user.local, jid, r.presence, userJid);
    });
  });
}

/** A subscription stanza for a local account, from anyone (Appendix A.3). */
export async function handleInbound(ctx: SubscriptionContext, ev: StanzaEvent, type: SubscriptionType): Promise<void> {
  const owner = ev.to.bare;
  const peer = ev.from.bare;
  if (!owner.local || peer.equals(owner)) return;
  if (!(await ctx.server.accounts.exists(ctx.host.name, owner.local))) return;
  const jid = peer.toString();
  const ownerJid = owner.toString();
  const delivered = bareCopy(ev.stanza, jid, ownerJid);
  await ctx.store.transact(owner.local, (tx) => {
    const before = stateOf(tx, jid);
    const r = inbound(type, before);
    let request: PendingRequest | undefined;
    if (r.next.pendingIn && !before.pendingIn) {
      if (tx.doc.pending.size >= ctx.limits.maxPending) {
        ctx.log.info("subscription request dropped: too many pending", { user: owner.local, from: jid });
        return;
      }
      let kept = storeElement(delivered);
      if (storedSize(kept) > ctx.limits.maxPendingSize) kept = storeElement(el("presence", { type: "subscribe", from: jid, to: ownerJid, id: delivered.attrs.id }));
      request = { id: randomBytes(9).toString("base64url"), stanza: kept };
      tx.doc.pending.set(jid, request);
      tx.touch();
    }
    const pushed = applyState(tx, jid, before, r.next);
    tx.after(() => {
      const { sessions } = ctx.server;
      if (pushed) pushToInterested(sessions, ctx.host.name, owner.local, jid, pushed, tx.version);
      if (request) for (const s of availableResources(sessions, ctx.host.name, owner.local)) handRequest(s, request);
      else if (r.deliver) for (const s of interestedResources(sessions, ctx.host.name, owner.local)) s.send(delivered);
      if (r.autoReply) ctx.send(el("presence", { type: r.autoReply, from: ownerJid, to: jid }));
      presenceEffect(ctx, owner.local, jid, r.presence, ownerJid);
    });
  });
}

/** Requests still unanswered, to a resource that has just become available (RFC 6121 §3.1.3). */
export async function deliverPending(ctx: SubscriptionContext, session: Session): Promise<void> {
  const doc = await ctx.store.read(session.jid!.local);
  if (!doc) return;
  for (const request of doc.pending.values()) handRequest(session, request);
}

/**
 * Our own unanswered requests to contacts on other servers, sent again at login (RFC 6121 §3.1.2:
 * "SHOULD resend ... e.g., whenever a new resource becomes available for the user"). Local
 * contacts share this server's state, so resending to them would change nothing.
 */
export async function resendPendingOut(ctx: SubscriptionContext, session: Session): Promise<void> {
  const user = session.jid!.bare;
  const doc = await ctx.store.read(user.local);
  if (!doc) return;
  for (const [jid, item] of doc.items) {
    if (!item.ask) continue;
    const domain = jid.slice(jid.indexOf("@") + 1);
    if (ctx.server.hosts.has(domain)) continue;
    ctx.send(el("presence", { type: "subscribe", from: user.toString(), to: jid }));
  }
}
