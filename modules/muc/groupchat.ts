/**
 * Messages to the room: groupchat reflected to every occupant from the sender's occupant JID,
 * subject changes, and errors for those who may not speak.
 *
 * References:
 * - XEP-0045 §7.4 (reflect with the sender's occupant JID and the client's 'id'; visitors in a
 *   moderated room: forbidden; non-occupants: not-acceptable), §7.2.13 (history)
 * - XEP-0045 §8.1 (subject: a <subject/> without <body/> or <thread/>; moderators, or anyone with
 *   voice when muc#roomconfig_changesubject allows; otherwise forbidden)
 * - XEP-0045 §17.2 rules 2–3 (no role: forbidden; no such room: item-not-found)
 * - XEP-0421 §3.2 (occupant id on reflected messages)
 */
import { randomUUID } from "node:crypto";
import type { Element } from "ltx";
import type { StanzaEvent } from "../../lib/router";
import { getText } from "../../lib/stanza";
import { findChild } from "../../lib/xml/element";
import { messageToAll, withOccupantId } from "./broadcast";
import type { MucContext } from "./context";
import { bounce, mucError } from "./errors";
import type { Occupant } from "./occupant";
import { occupantId } from "./occupant-id";
import type { Room } from "./room";
import { sanitized } from "./sanitize";

function maySetSubject(room: Room, occ: Occupant): boolean {
  return occ.role === "moderator" || (room.config.changeSubject && occ.role === "participant");
}

function reflection(room: Room, occ: Occupant, stanza: Element): Element {
  const m = sanitized(stanza, room.jid.toString());
  m.attrs.from = room.occupantJid(occ).toString();
  m.attrs.type = "groupchat";
  if (m.attrs.id === undefined) m.attrs.id = randomUUID();
  return withOccupantId(room, m, occ.bare);
}

export async function groupchat(ctx: MucContext, room: Room, ev: StanzaEvent): Promise<void> {
  const { stanza } = ev;
  const where = room.jid.toString();
  const occ = room.bySessionJid(ev.from);
  if (!occ) return bounce(ctx, stanza, mucError("not-acceptable", "You are not in this room"), where);
  const subject = findChild(stanza, "subject");
  if (subject && !findChild(stanza, "body") && !findChild(stanza, "thread")) {
    if (!maySetSubject(room, occ)) return bounce(ctx, stanza, mucError("forbidden", "You may not change the subject"), where);
    room.subject = { text: getText(subject), nick: occ.nick, occupantId: occupantId(room.secret, occ.bare), at: new Date() };
    if (room.config.persistent) {
      try {
        await ctx.rooms.persist(room);
      } catch (err) {
        ctx.log.error("storing a room subject failed", { room: where, err: err as Error });
        return bounce(ctx, stanza, mucError("internal-server-error", "The subject could not be stored", "wait"), where);
      }
    }
    return messageToAll(ctx, room, reflection(room, occ, stanza));
  }
  if (occ.role === "visitor" || occ.role === "none") return bounce(ctx, stanza, mucError("forbidden", "You have no voice in this room"), where);
  const m = reflection(room, occ, stanza);
  messageToAll(ctx, room, m);
  if (findChild(m, "body")) room.history.add(m, new Date());
}
