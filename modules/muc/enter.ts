/**
 * Entering a room: creating it on first entry, the admission checks in the specification's
 * order, and announcing the new occupant.
 *
 * References:
 * - XEP-0045 §7.2.1 (a join carries <x xmlns='…muc'/>; no nickname: jid-malformed), §7.2.5
 *   (password: not-authorized), §7.2.6 (members-only: registration-required), §7.2.7 (banned:
 *   forbidden), §7.2.8 (nickname in use or reserved: conflict; the same user may share it from
 *   another resource), §7.2.9 (full: service-unavailable, admins and owners still enter),
 *   §7.2.10 (locked: item-not-found), §7.2.18 (presence without <x/> from a non-occupant: kicked
 *   with 110, 307 and 333)
 * - XEP-0045 §10.1.1 (creation: the creator is owner, 201; a reserved room stays locked until
 *   configured), §17.1 (nicknames must not be empty or only spaces)
 */
import type { Element } from "ltx";
import type { JID } from "../../lib/jid";
import type { StanzaEvent } from "../../lib/router";
import { el, getText } from "../../lib/stanza";
import { findChild } from "../../lib/xml/element";
import { broadcastPresence } from "./broadcast";
import type { MucContext } from "./context";
import { bounce, mucError } from "./errors";
import { MUC } from "./ns";
import { Occupant } from "./occupant";
import type { Room } from "./room";
import { sanitized } from "./sanitize";
import { affiliationRank, defaultRole } from "./types";
import { joinCodes, welcome } from "./welcome";

/** How far past maxusers admins and owners may still enter (§7.2.9: "some reasonable number"). */
const ADMIN_OVERFLOW = 10;

export function blankNick(nick: string): boolean {
  return nick.trim() === "";
}

/** §7.2.18: presence from someone not in the room, without the MUC extension. */
function notInRoom(ctx: MucContext, occupantJid: JID, to: JID): void {
  ctx.send(
    el("presence", { from: occupantJid.toString(), to: to.toString(), type: "unavailable" },
      el("x", { xmlns: MUC.USER },
        el("item", { affiliation: "none", role: "none" }, el("reason", {}, "You are not in the room.")),
        el("status", { code: 110 }), el("status", { code: 307 }), el("status", { code: 333 }))),
  );
}

function password(join: Element): string | undefined {
  const x = findChild(join, "x", MUC.BASE);
  const p = x && findChild(x, "password", MUC.BASE);
  return p && getText(p);
}

export function enter(ctx: MucContext, ev: StanzaEvent, existing: Room | undefined): void {
  const { stanza, from, to } = ev;
  const nick = to.resource;
  const where = to.bare.toString();
  if (blankNick(nick)) return bounce(ctx, stanza, mucError("jid-malformed", "A nickname must not be blank"), where);
  if (!findChild(stanza, "x", MUC.BASE)) return notInRoom(ctx, to, from);

  let room = existing;
  let created = false;
  if (!room) {
    if (!ctx.rooms.mayCreate(from)) return bounce(ctx, stanza, mucError("not-allowed", "Room creation is restricted"), where);
    if (ctx.rooms.full) return bounce(ctx, stanza, mucError("not-allowed", "This service holds as many rooms as it can"), where);
    room = ctx.rooms.create(to.local);
    room.locked = ctx.options.muc_room_locking;
    room.setAffiliation(from.bare.toString(), "owner");
    created = true;
  }

  const affiliation = room.affiliationOf(from);
  const rank = affiliationRank(affiliation);
  if (room.locked && affiliation !== "owner") return bounce(ctx, stanza, mucError("item-not-found", "The room is being configured"), where);
  if (affiliation === "outcast") return bounce(ctx, stanza, mucError("forbidden", "You are banned from this room"), where);
  const holder = room.byNick(nick);
  if ((holder && !holder.bare.equals(from.bare)) || (!holder && room.reservedByOther(nick, from))) {
    return bounce(ctx, stanza, mucError("conflict", "That nickname is in use"), where);
  }
  const presence = sanitized(stanza, where);

  if (holder) {
    // §7.2.8: the same user from another resource shares the occupant.
    room.addSession(holder, from);
    holder.presence = presence;
    return welcome(ctx, room, holder, from, stanza, joinCodes(room, false));
  }

  if (room.config.membersOnly && rank < affiliationRank("member")) {
    return bounce(ctx, stanza, mucError("registration-required", "This room is for members only"), where);
  }
  if (room.config.password !== "" && rank < affiliationRank("admin") && password(stanza) !== room.config.password) {
    return bounce(ctx, stanza, mucError("not-authorized", "A password is required"), where);
  }
  const count = room.occupants.size;
  if (count >= room.config.maxUsers && (rank < affiliationRank("admin") || count >= room.config.maxUsers + ADMIN_OVERFLOW)) {
    return bounce(ctx, stanza, mucError("service-unavailable", "The room is full", "wait"), where);
  }

  const occ = new Occupant(nick, from.bare, defaultRole(affiliation, room.config), presence);
  occ.addSession(from);
  room.addOccupant(occ);
  broadcastPresence(ctx, room, occ, {}, { exclude: occ });
  welcome(ctx, room, occ, from, stanza, joinCodes(room, created));
}
