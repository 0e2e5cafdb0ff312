/**
 * RFC 6121 Appendix A, written out by hand from the RFC (not computed by the server's own state
 * machine), for the table-driven subscription tests.
 *
 * A state is Appendix A.1's: None, None + Pending Out, None + Pending In, None + Pending Out+In,
 * To, To + Pending In, From, From + Pending Out, Both.
 */

export type StateName = "None" | "None+PO" | "None+PI" | "None+POI" | "To" | "To+PI" | "From" | "From+PO" | "Both";
export type SubType = "subscribe" | "unsubscribe" | "subscribed" | "unsubscribed";

export const STATES: StateName[] = ["None", "None+PO", "None+PI", "None+POI", "To", "To+PI", "From", "From+PO", "Both"];

export interface State {
  subscription: "none" | "to" | "from" | "both";
  ask: boolean;
  pendingIn: boolean;
}

export const STATE: Record<StateName, State> = {
  None: { subscription: "none", ask: false, pendingIn: false },
  "None+PO": { subscription: "none", ask: true, pendingIn: false },
  "None+PI": { subscription: "none", ask: false, pendingIn: true },
  "None+POI": { subscription: "none", ask: true, pendingIn: true },
  To: { subscription: "to", ask: false, pendingIn: false },
  "To+PI": { subscription: "to", ask: false, pendingIn: true },
  From: { subscription: "from", ask: false, pendingIn: false },
  "From+PO": { subscription: "from", ask: true, pendingIn: false },
  Both: { subscription: "both", ask: false, pendingIn: false },
};

/** The same relationship seen from the other end. */
export const MIRROR: Record<StateName, StateName> = {
  None: "None",
  "None+PO": "None+PI",
  "None+PI": "None+PO",
  "None+POI": "None+POI",
  To: "From",
  "To+PI": "From+PO",
  From: "To",
  "From+PO": "To+PI",
  Both: "Both",
};

/** What a roster item shows (pending-in is not a roster attribute). */
export function visible(s: StateName, approved = false): { subscription: string; ask?: string; approved?: string } {
  const st = STATE[s];
  const out: { subscription: string; ask?: string; approved?: string } = { subscription: st.subscription };
  if (st.ask) out.ask = "subscribe";
  if (approved) out.approved = "true";
  return out;
}

export interface OutboundRow {
  before: StateName;
  after: StateName;
  /** RFC 6121 §3.4 pre-approval: the user's item gets approved='true'. */
  approved?: boolean;
  /** Whether the contact's client receives the stanza (A.3 at the contact's end). */
  delivered: boolean;
  /** Presence the contact then receives from the user's resource. */
  peerGets?: "available" | "unavailable";
  /** Presence the user then receives from the contact's resource. */
  userGets?: "available" | "unavailable";
}

/** A.2: the user sends the stanza; the contact is local, online and interested. */
export const OUTBOUND: Record<SubType, OutboundRow[]> = {
  // A.2.1; delivery per A.3.1 at the contact (already subscribed → auto-reply + presence, no delivery).
  subscribe: [
    { before: "None", after: "None+PO", delivered: true },
    { before: "None+PO", after: "None+PO", delivered: false },
    { before: "None+PI", after: "None+POI", delivered: true },
    { before: "None+POI", after: "None+POI", delivered: false },
    { before: "To", after: "To", delivered: false, userGets: "available" },
    { before: "To+PI", after: "To+PI", delivered: false, userGets: "available" },
    { before: "From", after: "From+PO", delivered: true },
    { before: "From+PO", after: "From+PO", delivered: false },
    { before: "Both", after: "Both", delivered: false, userGets: "available" },
  ],
  // A.2.2; delivery per A.3.2; a contact that loses a subscriber sends unavailable (§3.3.3).
  unsubscribe: [
    { before: "None", after: "None", delivered: false },
    { before: "None+PO", after: "None", delivered: true },
    { before: "None+PI", after: "None+PI", delivered: false },
    { before: "None+POI", after: "None+PI", delivered: true },
    { before: "To", after: "None", delivered: true, userGets: "unavailable" },
    { before: "To+PI", after: "None+PI", delivered: true, userGets: "unavailable" },
    { before: "From", after: "From", delivered: false },
    { before: "From+PO", after: "From", delivered: true },
    { before: "Both", after: "From", delivered: true, userGets: "unavailable" },
  ],
  // A.2.3; with nothing pending it is a pre-approval (§3.4), not routed.
  subscribed: [
    { before: "None", after: "None", approved: true, delivered: false },
    { before: "None+PO", after: "None+PO", approved: true, delivered: false },
    { before: "None+PI", after: "From", delivered: true, peerGets: "available" },
    { before: "None+POI", after: "From+PO", delivered: true, peerGets: "available" },
    { before: "To", after: "To", approved: true, delivered: false },
    { before: "To+PI", after: "Both", delivered: true, peerGets: "available" },
    { before: "From", after: "From", delivered: false },
    { before: "From+PO", after: "From+PO", delivered: false },
    { before: "Both", after: "Both", delivered: false },
  ],
  // A.2.4; cancelling a subscription sends unavailable from the user's resources (§3.2.2).
  unsubscribed: [
    { before: "None", after: "None", delivered: false },
    { before: "None+PO", after: "None+PO", delivered: false },
    { before: "None+PI", after: "None", delivered: true },
    { before: "None+POI", after: "None+PO", delivered: true },
    { before: "To", after: "To", delivered: false },
    { before: "To+PI", after: "To", delivered: true },
    { before: "From", after: "None", delivered: true, peerGets: "unavailable" },
    { before: "From+PO", after: "None+PO", delivered: true, peerGets: "unavailable" },
    { before: "Both", after: "To", delivered: true, peerGets: "unavailable" },
  ],
};

export interface InboundRow {
  before: StateName;
  after: StateName;
  /** A.3's "deliver?" column. */
  delivered: boolean;
  /** A.3.1's "no *": the server answers "subscribed" for the user. */
  autoReply?: boolean;
}

/** A.3: the stanza arrives for the user from the contact's server. */
export const INBOUND: Record<SubType, InboundRow[]> = {
  subscribe: [
    { before: "None", after: "None+PI", delivered: true },
    { before: "None+PO", after: "None+POI", delivered: true },
    { before: "None+PI", after: "None+PI", delivered: false },
    { before: "None+POI", after: "None+POI", delivered: false },
    { before: "To", after: "To+PI", delivered: true },
    { before: "To+PI", after: "To+PI", delivered: false },
    { before: "From", after: "From", delivered: false, autoReply: true },
    { before: "From+PO", after: "From+PO", delivered: false, autoReply: true },
    { before: "Both", after: "Both", delivered: false, autoReply: true },
  ],
  unsubscribe: [
    { before: "None", after: "None", delivered: false },
    { before: "None+PO", after: "None+PO", delivered: false },
    { before: "None+PI", after: "None", delivered: true },
    { before: "None+POI", after: "None+PO", delivered: true },
    { before: "To", after: "To", delivered: false },
    { before: "To+PI", after: "To", delivered: true },
    { before: "From", after: "None", delivered: true },
    { before: "From+PO", after: "None+PO", delivered: true },
    { before: "Both", after: "To", delivered: true },
  ],
  subscribed: [
    { before: "None", after: "None", delivered: false },
    { before: "None+PO", after: "To", delivered: true },
    { before: "None+PI", after: "None+PI", delivered: false },
    { before: "None+POI", after: "To+PI", delivered: true },
    { before: "To", after: "To", delivered: false },
    { before: "To+PI", after: "To+PI", delivered: false },
    { before: "From", after: "From", delivered: false },
    { before: "From+PO", after: "Both", delivered: true },
    { before: "Both", after: "Both", delivered: false },
  ],
  unsubscribed: [
    { before: "None", after: "None", delivered: false },
    { before: "None+PO", after: "None", delivered: true },
    { before: "None+PI", after: "None+PI", delivered: false },
    { before: "None+POI", after: "None+PI", delivered: true },
    { before: "To", after: "None", delivered: true },
    { before: "To+PI", after: "None+PI", delivered: true },
    { before: "From", after: "From", delivered: false },
    { before: "From+PO", after: "From", delivered: true },
    { before: "Both", after: "From", delivered: true },
  ],
};
