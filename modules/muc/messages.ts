/**
 * Messages to a room or an occupant JID, dispatched by type.
 *
 * References:
 * - XEP-0045 §17.2 rule 1 (only groupchat goes to everyone; others may be rejected with
 *   bad-request), rule 3 (no such room, or one still locked: item-not-found)
 * - XEP-0045 §7.4, §7.5, §7.8.2, §8.1, §18.1.2 (see groupchat.ts, private.ts, invite.ts, presence.ts)
 */
import type { StanzaEvent } from "../../lib/router";
import type { MucContext } from "./context";
import { bounce, mucError } from "./errors";
import { groupchat } from "./groupchat";
import { invitation } from "./invite";
import { ghost } from "./presence";
import { privateMessage } from "./private";
import type { Room } from "./room";

function reachable(room: Room | undefined, ev: StanzaEvent): room is Room {
  return room !== undefined && (!room.locked || room.bySessionJid(ev.from) !== undefined);
}

/** message/bare: to room@service. */
export async function roomMessage(ctx: MucContext, ev: StanzaEvent): Promise<true> {
  const { stanza } = ev;
  const type = (stanza.attrs.type as string | undefined) ?? "normal";
  const room = ctx.rooms.get(ev.to.local);
  if (type === "error") {
    if (room) ghost(ctx, room, stanza, ev);
    return true;
  }
  if (!reachable(room, ev)) {
    bounce(ctx, stanza, mucError("item-not-found", "No such room"), ev.to.toString());
    return true;
  }
  if (type === "groupchat") await groupchat(ctx, room, ev);
  else if (await invitation(ctx, room, ev)) return true;
  else if (type !== "headline") bounce(ctx, stanza, mucError("bad-request", "Messages to a room are of type groupchat"), room.jid.toString());
  return true;
}

/** message/full: to room@service/nick. */
export function occupantMessage(ctx: MucContext, ev: StanzaEvent): true {
  const { stanza } = ev;
  const room = ctx.rooms.get(ev.to.local);
  if (stanza.attrs.type === "error") {
    if (room) ghost(ctx, room, stanza, ev);
    return true;
  }
  if (!reachable(room, ev)) {
    bounce(ctx, stanza, mucError("item-not-found", "No such room"), ev.to.bare.toString());
    return true;
  }
  privateMessage(ctx, room, ev);
  return true;
}
