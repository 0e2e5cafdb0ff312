/**
 * Presence to a room or an occupant JID: entering, presence updates, nickname changes, exits, and
 * presence errors that reveal a ghost.
 *
 * References:
 * - XEP-0045 §7.2.1 (presence to the bare room JID has no nickname: jid-malformed)
 * - XEP-0045 §7.6 (nickname change: unavailable with 303 and the new nick, then available; a
 *   conflict is refused), §7.7 (presence updates are broadcast), §7.14 (exit)
 * - XEP-0045 §17.3 rules 1–2 (only available presence joins, only unavailable leaves), rule 5
 *   (unavailable from a non-occupant is ignored)
 * - XEP-0045 §18.1.2 (a delivery error removes the occupant)
 */
import type { Element } from "ltx";
import type { StanzaEvent } from "../../lib/router";
import { findChild } from "../../lib/xml/element";
import { serialize } from "../../lib/xml/serialize";
import { broadcastPresence } from "./broadcast";
import type { MucContext } from "./context";
import { blankNick, enter } from "./enter";
import { bounce, mucError } from "./errors";
import { MUC } from "./ns";
import type { Occupant } from "./occupant";
import { isDeliveryFailure, removeSession } from "./removal";
import type { Room } from "./room";
import { sanitized } from "./sanitize";
import { joinCodes, welcome } from "./welcome";

const STANZAS_NS = "urn:ietf:params:xml:ns:xmpp-stanzas";

export function errorCondition(stanza: Element): string | undefined {
  const error = findChild(stanza, "error");
  return error?.children.find((c): c is Element => typeof c !== "string" && c.attrs.xmlns === STANZAS_NS)?.name;
}

/** A stanza error from an occupant's session: if delivery to it failed, it is a ghost (333). */
export function ghost(ctx: MucContext, room: Room, stanza: Element, ev: StanzaEvent): void {
  const occ = room.bySessionJid(ev.from);
  if (!occ || !isDeliveryFailure(errorCondition(stanza))) return;
  ctx.log.debug("removing an unreachable occupant", { room: room.jid.toString(), nick: occ.nick });
  removeSession(ctx, room, occ, ev.from, { codes: [333] }, false);
}

function changeNick(ctx: MucContext, room: Room, occ: Occupant, ev: StanzaEvent): void {
  const nick = ev.to.resource;
  const where = room.jid.toString();
  if (blankNick(nick)) return bounce(ctx, ev.stanza, mucError("jid-malformed", "A nickname must not be blank"), where);
  const holder = room.byNick(nick);
  if ((holder && holder !== occ) || room.reservedByOther(nick, ev.from)) return bounce(ctx, ev.stanza, mucError("conflict", "That nickname is in use"), where);
  if (occ.sessions.size > 1) {
    return bounce(ctx, ev.stanza, mucError("not-acceptable", "This nickname is shared by several of your clients; leave with the others first"), where);
  }
  broadcastPresence(ctx, room, occ, { type: "unavailable", codes: [303], newNick: nick });
  room.rename(occ, nick);
  occ.presence = sanitized(ev.stanza, where);
  broadcastPresence(ctx, room, occ, {});
}

function update(ctx: MucContext, room: Room, occ: Occupant, ev: StanzaEvent): void {
  const where = room.jid.toString();
  const next = sanitized(ev.stanza, where);
  const changed = serialize(next) !== serialize(occ.presence);
  occ.presence = next;
  if (findChild(ev.stanza, "x", MUC.BASE)) {
    // §7.2.1: a join from a joined session means the client lost track; send it everything again.
    welcome(ctx, room, occ, ev.from, ev.stanza, joinCodes(room, false));
    if (changed) broadcastPresence(ctx, room, occ, {}, { exclude: occ });
    return;
  }
  broadcastPresence(ctx, room, occ, {});
}

/** presence/full: to room@service/nick. */
export function occupantPresence(ctx: MucContext, ev: StanzaEvent): true {
  const { stanza, from, to } = ev;
  const type = stanza.attrs.type as string | undefined;
  const room = ctx.rooms.get(to.local);
  if (type === "error") {
    if (room) ghost(ctx, room, stanza, ev);
    return true;
  }
  const occ = room?.bySessionJid(from);
  if (type === "unavailable") {
    // Whatever nickname it names: a session has one occupant per room, and it is leaving.
    if (room && occ) removeSession(ctx, room, occ, from, { base: sanitized(stanza, room.jid.toString()) }, true);
    return true;
  }
  if (type !== undefined) return true;
  if (room && occ) {
    if (occ.nick === to.resource) update(ctx, room, occ, ev);
    else changeNick(ctx, room, occ, ev);
    return true;
  }
  enter(ctx, ev, room);
  return true;
}

/** presence/bare: to room@service, which names no nickname. */
export function roomPresence(ctx: MucContext, ev: StanzaEvent): true {
  const { stanza } = ev;
  const type = stanza.attrs.type as string | undefined;
  const room = ctx.rooms.get(ev.to.local);
  if (type === "error") {
    if (room) ghost(ctx, room, stanza, ev);
  } else if (type === undefined && findChild(stanza, "x", MUC.BASE)) {
    // Only a join attempt is answered: plain presence (e.g. a roster broadcast) is not an error.
    bounce(ctx, stanza, mucError("jid-malformed", "Join with room@service/nickname"), ev.to.toString());
  }
  return true;
}
