/** Finding the room an IQ is about, and deferring notices until the IQ has been answered. */
import type { IqEvent } from "../../lib/router";
import type { MucContext } from "./context";
import { mucError } from "./errors";
import type { Room } from "./room";

/** The addressed room; a locked room exists only for its owners (§7.2.10). */
export function roomFor(ctx: MucContext, ev: IqEvent): Room {
  const room = ctx.rooms.get(ev.to.local);
  if (!room || (room.locked && room.affiliationOf(ev.from) !== "owner")) throw mucError("item-not-found", "No such room");
  return room;
}

/**
 * Runs `fn` after the current IQ's reply has been sent: the router answers when the handler
 * returns, and setImmediate runs after that (XEP-0045 §8.2: the moderator hears of success before
 * the other occupants hear of the kick).
 */
export function afterReply(fn: () => void): void {
  setImmediate(fn);
}
