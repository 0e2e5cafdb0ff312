/**
 * A user's roster as it is kept: the items the client sees, the incoming subscription requests
 * still waiting for an answer, and the bookkeeping roster versioning needs.
 *
 * References:
 * - RFC 6121 §2.1.2 (item attributes: jid, name, subscription, ask, approved, groups)
 * - RFC 6121 Appendix A.1 (the defined subscription states)
 * - RFC 6121 §3.1.3 ("None + Pending In" is not a roster item: the request is kept aside)
 * - XEP-0237 §4 (versions are opaque strings chosen by the server)
 */
import { randomBytes } from "node:crypto";
import type { Json } from "../../lib/storage/types";
import type { StoredElement } from "./stored-element";

export type Subscription = "none" | "to" | "from" | "both";

export interface RosterItem {
  name?: string;
  groups: string[];
  subscription: Subscription;
  /** "Pending Out": the user asked the contact for a subscription. */
  ask: boolean;
  /** Pre-approval (RFC 6121 §3.4): the contact's future request is already accepted. */
  approved: boolean;
  /** The roster version at which this item last changed (what a diff is computed from). */
  v: number;
}

/** An incoming subscription request kept until answered. */
export interface PendingRequest {
  /** Unique per request, so a resource is never handed the same request twice. */
  id: string;
  stanza: StoredElement;
}

export interface RosterDoc {
  /** Random per roster, so a version cached for a deleted and recreated account never matches. */
  epoch: string;
  /** Version counter: bumped by every change a client can see. */
  n: number;
  /** Keyed by bare JID string; Maps only, JIDs come from peers. */
  items: Map<string, RosterItem>;
  /** Incoming subscription requests not yet answered ("Pending In"), with the stanza to redeliver. */
  pending: Map<string, PendingRequest>;
  /** Removed items → version of removal, so a client's stale cache can be brought up to date. */
  gone: Map<string, number>;
  /** Clients older than this version get the full roster: the tombstones they need were pruned. */
  floor: number;
}

export function hasTo(s: Subscription): boolean {
  return s === "to" || s === "both";
}

export function hasFrom(s: Subscription): boolean {
  return s === "from" || s === "both";
}

export function makeSubscription(to: boolean, from: boolean): Subscription {
  return to ? (from ? "both" : "to") : from ? "from" : "none";
}

export function emptyRoster(): RosterDoc {
  return { epoch: randomBytes(6).toString("base64url"), n: 0, items: new Map(), pending: new Map(), gone: new Map(), floor: 0 };
}

/**
 * The version string of a roster (XEP-0237 §4: opaque to clients; ours embeds the epoch). Every
 * roster nobody has changed visibly yet is the same empty roster, whether stored or not: "0".
 */
export function versionOf(doc: RosterDoc | undefined): string {
  return doc && doc.n > 0 ? `${doc.epoch}-${doc.n}` : "0";
}

/** The counter of a version string we issued for this roster, or undefined when it is not ours. */
export function parseVersion(doc: RosterDoc, ver: string): number | undefined {
  const m = /^(.+)-(\d{1,15})$/.exec(ver);
  if (!m || m[1] !== doc.epoch) return undefined;
  const n = Number(m[2]);
  return n <= doc.n ? n : undefined;
}

export function cloneRoster(doc: RosterDoc): RosterDoc {
  return {
    epoch: doc.epoch,
    n: doc.n,
    items: new Map([...doc.items].map(([jid, item]) => [jid, { ...item, groups: [...item.groups] }])),
    pending: new Map(doc.pending),
    gone: new Map(doc.gone),
    floor: doc.floor,
  };
}

/** The stored form: arrays of entries, never objects keyed by a peer-chosen JID. */
export function rosterToJson(doc: RosterDoc): Json {
  return {
    epoch: doc.epoch,
    n: doc.n,
    items: [...doc.items].map(([jid, i]) => {
      const o: { [k: string]: Json } = { jid, groups: i.groups, subscription: i.subscription, v: i.v };
      if (i.name !== undefined) o.name = i.name;
      if (i.ask) o.ask = true;
      if (i.approved) o.approved = true;
      return o;
    }),
    pending: [...doc.pending].map(([jid, p]) => ({ jid, id: p.id, stanza: p.stanza })),
    gone: [...doc.gone].map(([jid, v]) => [jid, v]),
    floor: doc.floor,
  };
}

const SUBSCRIPTIONS = new Set<string>(["none", "to", "from", "both"]);

/** Reads what rosterToJson wrote; anything malformed is dropped rather than trusted. */
export function rosterFromJson(json: Json | undefined): RosterDoc | undefined {
  if (json === undefined || json === null || typeof json !== "object" || Array.isArray(json)) return undefined;
  const doc = emptyRoster();
  if (typeof json.epoch === "string") doc.epoch = json.epoch;
  if (typeof json.n === "number") doc.n = json.n;
  if (typeof json.floor === "number") doc.floor = json.floor;
  for (const raw of Array.isArray(json.items) ? json.items : []) {
    if (!raw || typeof raw !== "object" || Array.isArray(raw) || typeof raw.jid !== "string") continue;
    const subscription = typeof raw.subscription === "string" && SUBSCRIPTIONS.has(raw.subscription) ? (raw.subscription as Subscription) : "none";
    doc.items.set(raw.jid, {
      name: typeof raw.name === "string" ? raw.name : undefined,
      groups: Array.isArray(raw.groups) ? raw.groups.filter((g): g is string => typeof g === "string") : [],
      subscription,
      ask: raw.ask === true,
      approved: raw.approved === true,
      v: typeof raw.v === "number" ? raw.v : 0,
    });
  }
  for (const raw of Array.isArray(json.pending) ? json.pending : []) {
    if (raw && typeof raw === "object" && !Array.isArray(raw) && typeof raw.jid === "string" && Array.isArray(raw.stanza)) {
      doc.pending.set(raw.jid, { id: typeof raw.id === "string" ? raw.id : randomBytes(6).toString("base64url"), stanza: raw.stanza as StoredElement });
    }
  }
  for (const raw of Array.isArray(json.gone) ? json.gone : []) {
    if (Array.isArray(raw) && typeof raw[0] === "string" && typeof raw[1] === "number") doc.gone.set(raw[0], raw[1]);
  }
  return doc;
}
