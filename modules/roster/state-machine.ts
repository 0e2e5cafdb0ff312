/**
 * The presence subscription state machine, for both ends: what a subscription-related presence
 * stanza does to the roster entry of the account that sends it (outbound) and of the account that
 * receives it (inbound), and what else must happen. Pure: no I/O.
 *
 * A state is Appendix A.1's defined state (None, None + Pending Out, ..., Both) plus the
 * 'approved' flag of pre-approval.
 *
 * References:
 * - RFC 6121 Appendix A.2 (outbound: subscribe, unsubscribe, subscribed, unsubscribed)
 * - RFC 6121 Appendix A.3 (inbound: the same four, with "deliver?" and auto-replies)
 * - RFC 6121 §3.1.2–§3.1.6 (request and approval), §3.2 (cancellation), §3.3 (unsubscribing)
 * - RFC 6121 §3.4 (pre-approval: set by an outbound "subscribed" with nothing pending,
 *   cancelled by an outbound "unsubscribed", consumed by the next inbound "subscribe")
 */
import { hasFrom, hasTo, makeSubscription, Subscription } from "./model";

export type SubscriptionType = "subscribe" | "subscribed" | "unsubscribe" | "unsubscribed";

export const SUBSCRIPTION_TYPES: ReadonlySet<string> = new Set<SubscriptionType>(["subscribe", "subscribed", "unsubscribe", "unsubscribed"]);

export interface SubState {
  subscription: Subscription;
  /** Pending Out */
  ask: boolean;
  /** Pending In */
  pendingIn: boolean;
  approved: boolean;
}

export const NO_STATE: SubState = { subscription: "none", ask: false, pendingIn: false, approved: false };

export interface OutboundResult {
  next: SubState;
  /** Whether the stanza goes on to the contact. */
  route: boolean;
  /** Presence the user's available resources then send to the contact. */
  presence?: "available" | "unavailable";
}

export interface InboundResult {
  next: SubState;
  /** Whether the stanza reaches the account's client(s). */
  deliver: boolean;
  /** A reply the server sends for the account without asking it (A.3.1's "no *", pre-approval). */
  autoReply?: "subscribed";
  /** Presence the account's available resources then send to the peer. */
  presence?: "available" | "unavailable";
}

function same(s: SubState): SubState {
  return { ...s };
}

/** A stanza sent by the local account that owns the state (Appendix A.2). */
export function outbound(type: SubscriptionType, s: SubState): OutboundResult {
  const to = hasTo(s.subscription);
  const from = hasFrom(s.subscription);
  switch (type) {
    case "subscribe":
      // A.2.1. Routed even when nothing changes: the contact's server answers a repeated request
      // with "subscribed" when it already agreed, which heals a desynchronised pair of rosters.
      return { next: to ? same(s) : { ...s, ask: true }, route: true };
    case "unsubscribe":
      // A.2.2. Routed in every state for the same reason; the contact's server ignores what is moot.
      return { next: { ...s, ask: false, subscription: makeSubscription(false, from) }, route: true };
    case "subscribed":
      // A.2.3: approving a pending request; with nothing pending it is a pre-approval (§3.4.2).
      if (s.pendingIn) return { next: { ...s, pendingIn: false, approved: false, subscription: makeSubscription(to, true) }, route: true, presence: "available" };
      if (from) return { next: same(s), route: false };
      return { next: { ...s, approved: true }, route: false };
    case "unsubscribed":
      // A.2.4: denying a request or cancelling a subscription; otherwise it cancels a pre-approval (§3.4.3).
      if (s.pendingIn || from) {
        return { next: { ...s, pendingIn: false, approved: false, subscription: makeSubscription(to, false) }, route: true, presence: from ? "unavailable" : undefined };
      }
      return { next: { ...s, approved: false }, route: false };
  }
}

/** A stanza received from a peer by the local account that owns the state (Appendix A.3). */
export function inbound(type: SubscriptionType, s: SubState): InboundResult {
  const to = hasTo(s.subscription);
  const from = hasFrom(s.subscription);
  switch (type) {
    case "subscribe":
      // A.3.1: already subscribed → answered for the account; pre-approved → accepted (§3.4.2);
      // already pending → not delivered again; otherwise "Pending In" and delivered.
      if (from) return { next: same(s), deliver: false, autoReply: "subscribed", presence: "available" };
      if (s.approved) {
        return { next: { ...s, approved: false, pendingIn: false, subscription: makeSubscription(to, true) }, deliver: false, autoReply: "subscribed", presence: "available" };
      }
      if (s.pendingIn) return { next: same(s), deliver: false };
      return { next: { ...s, pendingIn: true }, deliver: true };
    case "unsubscribe":
      // A.3.2: the peer withdraws its request or ends its subscription to the account.
      if (!from && !s.pendingIn) return { next: same(s), deliver: false };
      return { next: { ...s, pendingIn: false, subscription: makeSubscription(to, false) }, deliver: true, presence: from ? "unavailable" : undefined };
    case "subscribed":
      // A.3.3: only an approval the account asked for counts.
      if (!s.ask) return { next: same(s), deliver: false };
      return { next: { ...s, ask: false, subscription: makeSubscription(true, from) }, deliver: true };
    case "unsubscribed":
      // A.3.4: a denied request or a cancelled subscription.
      if (!s.ask && !to) return { next: same(s), deliver: false };
      return { next: { ...s, ask: false, subscription: makeSubscription(false, from) }, deliver: true };
  }
}

export function statesEqual(a: SubState, b: SubState): boolean {
  return a.subscription === b.subscription && a.ask === b.ask && a.pendingIn === b.pendingIn && a.approved === b.approved;
}

/** Appendix A.1's name for a state, for logs and test titles. */
export function stateName(s: SubState): string {
  const base = s.subscription === "none" ? "None" : s.subscription === "to" ? "To" : s.subscription === "from" ? "From" : "Both";
  const pend = s.ask && s.pendingIn ? " + Pending Out+In" : s.ask ? " + Pending Out" : s.pendingIn ? " + Pending In" : "";
  return base + pend + (s.approved ? " (approved)" : "");
}
