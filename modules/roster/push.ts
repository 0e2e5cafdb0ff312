/**
 * Roster items on the wire, interested resources, and roster pushes.
 *
 * References:
 * - RFC 6121 §2.1.2 (item attributes), §2.1.6 (roster push: from the server, i.e. no 'from' or
 *   the account's bare JID; to every interested resource)
 * - RFC 6121 §2.2 ("interested resource": one that requested the roster)
 * - XEP-0237 §5 (each push carries the version it brings the client to)
 */
import { randomBytes } from "node:crypto";
import type { Element } from "ltx";
import type { SessionRegistry } from "../../lib/sessions";
import { el } from "../../lib/stanza";
import type { Session } from "../../lib/stream/session";
import { NS } from "../../lib/xml/ns";
import type { RosterItem } from "./model";

const INTERESTED = "roster-interested";

export function markInterested(session: Session): void {
  session.data.set(INTERESTED, true);
}

export function isInterested(session: Session): boolean {
  return session.data.get(INTERESTED) === true && !session.closed;
}

export function interestedResources(sessions: SessionRegistry, host: string, user: string): Session[] {
  return sessions.resources(host, user).filter(isInterested);
}

/** An <item/>; without an item it is the removal notice (subscription='remove'). */
export function itemElement(jid: string, item: RosterItem | undefined): Element {
  if (!item) return el("item", { jid, subscription: "remove" });
  return el(
    "item",
    { jid, name: item.name, subscription: item.subscription, ask: item.ask ? "subscribe" : undefined, approved: item.approved ? "true" : undefined },
    ...item.groups.map((g) => el("group", {}, g)),
  );
}

export function pushStanza(to: string, jid: string, item: RosterItem | undefined, ver: string): Element {
  return el("iq", { type: "set", id: `push-${randomBytes(6).toString("base64url")}`, to }, el("query", { xmlns: NS.ROSTER, ver }, itemElement(jid, item)));
}

/** Sends a roster push straight to each interested resource (never through the router, so no 'from'). */
export function pushToInterested(sessions: SessionRegistry, host: string, user: string, jid: string, item: RosterItem | undefined, ver: string): void {
  for (const s of interestedResources(sessions, host, user)) s.send(pushStanza(s.jid!.toString(), jid, item, ver));
}
