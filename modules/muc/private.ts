/**
 * Private messages between occupants, relayed under occupant JIDs so real JIDs stay hidden.
 *
 * References:
 * - XEP-0045 §7.5 (to an occupant JID; never type groupchat: bad-request; no such occupant:
 *   item-not-found; sender not in the room: not-acceptable; the service adds an empty muc#user
 *   <x/> so carbons can tell a private message; muc#roomconfig_allowpm says who may send)
 */
import type { StanzaEvent } from "../../lib/router";
import { el } from "../../lib/stanza";
import { toSessions, withOccupantId } from "./broadcast";
import type { MucContext } from "./context";
import { bounce, mucError } from "./errors";
import { MUC } from "./ns";
import type { Occupant } from "./occupant";
import type { Room } from "./room";
import { sanitized } from "./sanitize";
import { roleRank } from "./types";

function mayMessage(room: Room, sender: Occupant): boolean {
  switch (room.config.allowPm) {
    case "anyone":
      return true;
    case "participants":
      return roleRank(sender.role) >= roleRank("participant");
    case "moderators":
      return sender.role === "moderator";
    default:
      return false;
  }
}

export function privateMessage(ctx: MucContext, room: Room, ev: StanzaEvent): void {
  const { stanza } = ev;
  const where = room.jid.toString();
  const type = stanza.attrs.type as string | undefined;
  if (type === "groupchat") return bounce(ctx, stanza, mucError("bad-request", "Private messages are not groupchat"), where);
  const sender = room.bySessionJid(ev.from);
  if (!sender) return bounce(ctx, stanza, mucError("not-acceptable", "You are not in this room"), where);
  const target = room.byNick(ev.to.resource);
  if (!target) return bounce(ctx, stanza, mucError("item-not-found", "No such occupant"), where);
  if (!mayMessage(room, sender)) return bounce(ctx, stanza, mucError("forbidden", "Private messages are not allowed here"), where);
  const m = sanitized(stanza, where);
  m.attrs.from = room.occupantJid(sender).toString();
  const x = el("x", { xmlns: MUC.USER });
  x.parent = m;
  m.children.push(x);
  toSessions(ctx, target, withOccupantId(room, m, sender.bare));
}
