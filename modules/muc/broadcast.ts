/**
 * Building what a room sends and delivering it to occupants' sessions: occupant presence with its
 * muc#user item (the real JID only to those allowed to see it), occupant ids, and messages to all.
 *
 * References:
 * - XEP-0045 §7.2.2 (presence broadcast, 110 on self-presence), §7.2.3 (non-anonymous rooms show
 *   the full JID to everyone), §7.2.4 (semi-anonymous: to moderators only), §17.3 rules 8–10
 *   (role and affiliation in every room presence, 'jid' is a full JID)
 * - XEP-0045 §8.2 (kick: actor and reason inside <item/>), §10.9 (destroy: <destroy/> in the
 *   unavailable presence)
 * - XEP-0421 §3 (occupant id on every presence and message the room sends)
 */
import type { Element } from "ltx";
import type { JID } from "../../lib/jid";
import { cloneElement, el } from "../../lib/stanza";
import type { MucContext } from "./context";
import { MUC, NS_OCCUPANT_ID } from "./ns";
import type { Occupant } from "./occupant";
import { occupantId } from "./occupant-id";
import type { Room } from "./room";
import type { Affiliation, Role } from "./types";

export interface PresenceOptions {
  type?: "unavailable";
  /** Status codes for every recipient. */
  codes?: readonly number[];
  /** Status codes for the occupant's own sessions only (110 is always added there). */
  selfCodes?: readonly number[];
  /** The presence whose children are shown; defaults to the occupant's last presence. */
  base?: Element;
  /** Overrides for presence after the occupant left or was removed. */
  role?: Role;
  affiliation?: Affiliation;
  /** 303: the new nickname. */
  newNick?: string;
  actor?: string;
  reason?: string;
  destroy?: Element;
}

/** XEP-0045 §7.2.3/§7.2.4: who may see an occupant's real JID. */
export function seesJid(room: Room, viewer: Occupant, subject: Occupant): boolean {
  return viewer === subject || room.config.whois === "anyone" || viewer.role === "moderator";
}

export function withOccupantId(room: Room, stanza: Element, user: JID): Element {
  stanza.children.push(el("occupant-id", { xmlns: NS_OCCUPANT_ID, id: occupantId(room.secret, user) }));
  return stanza;
}

/** The presence of `occ` as one viewer sees it (without 'to'). */
export function occupantPresence(room: Room, occ: Occupant, opts: PresenceOptions, showJid: boolean, self: boolean): Element {
  const base = opts.base ?? occ.presence;
  const p = el("presence", { from: room.occupantJid(occ).toString(), type: opts.type });
  if (opts.type === undefined) for (const c of base.children) p.children.push(typeof c === "string" ? c : cloneElement(c));
  else for (const c of base.children) if (typeof c !== "string" && c.name === "status") p.children.push(cloneElement(c));
  const item = el(
    "item",
    {
      affiliation: opts.affiliation ?? room.affiliationOf(occ.bare),
      role: opts.role ?? occ.role,
      jid: showJid ? occ.jid.toString() : undefined,
      nick: opts.newNick,
    },
    opts.actor !== undefined && el("actor", { nick: opts.actor }),
    opts.reason !== undefined && el("reason", {}, opts.reason),
  );
  const codes = [...(opts.codes ?? []), ...(self ? [110, ...(opts.selfCodes ?? [])] : [])];
  const x = el("x", { xmlns: MUC.USER }, item, [...new Set(codes)].sort().map((code) => el("status", { code })), opts.destroy && cloneElement(opts.destroy));
  p.children.push(x);
  x.parent = p;
  for (const c of p.children) if (typeof c !== "string") c.parent = p;
  return withOccupantId(room, p, occ.bare);
}

export function addressed(stanza: Element, to: JID): Element {
  const copy = cloneElement(stanza);
  copy.attrs.to = to.toString();
  return copy;
}

export function toSessions(ctx: MucContext, occ: Occupant, stanza: Element): void {
  for (const s of occ.sessions.values()) ctx.send(addressed(stanza, s));
}

/** `occ`'s presence to every occupant, each seeing what it may; `occ` itself gets 110. */
export function broadcastPresence(ctx: MucContext, room: Room, occ: Occupant, opts: PresenceOptions, only?: { exclude?: Occupant }): void {
  const variants = new Map<string, Element>();
  const variant = (showJid: boolean, self: boolean) => {
    const key = `${showJid}/${self}`;
    let v = variants.get(key);
    if (!v) variants.set(key, (v = occupantPresence(room, occ, opts, showJid, self)));
    return v;
  };
  for (const viewer of room.occupants.values()) {
    if (viewer === only?.exclude) continue;
    toSessions(ctx, viewer, variant(seesJid(room, viewer, occ), viewer === occ));
  }
}

/** A message from the room to every occupant (config changes, subject, groupchat). */
export function messageToAll(ctx: MucContext, room: Room, message: Element): void {
  for (const o of room.occupants.values()) toSessions(ctx, o, message);
}

/** A status-code notice from the room itself (§10.2.1). */
export function statusMessage(room: Room, codes: readonly number[]): Element {
  return el("message", { from: room.jid.toString(), type: "groupchat" }, el("x", { xmlns: MUC.USER }, codes.map((code) => el("status", { code }))));
}
