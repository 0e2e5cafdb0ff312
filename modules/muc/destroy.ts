/**
 * Destroying a room: each occupant gets one unavailable presence carrying <destroy/> (with the
 * alternate venue and reason, if given), then the room is gone, from storage too.
 *
 * References:
 * - XEP-0045 §10.9 (one presence per occupant rather than a broadcast of every departure; the
 *   <destroy/> is always included since 1.35.0), §10.1.3 (cancelling the initial configuration
 *   destroys the room)
 */
import type { Element } from "ltx";
import { addressed, occupantPresence } from "./broadcast";
import type { MucContext } from "./context";
import { MUC } from "./ns";
import type { Room } from "./room";
import { el } from "../../lib/stanza";

export interface Destruction {
  reason?: string;
  /** An alternate venue. */
  jid?: string;
  password?: string;
}

function destroyElement(d: Destruction): Element {
  return el("destroy", { xmlns: MUC.USER, jid: d.jid }, d.reason !== undefined && el("reason", {}, d.reason), d.password !== undefined && el("password", {}, d.password));
}

export async function destroyRoom(ctx: MucContext, room: Room, d: Destruction): Promise<void> {
  const destroy = destroyElement(d);
  for (const occ of [...room.occupants.values()]) {
    const p = occupantPresence(room, occ, { type: "unavailable", role: "none", affiliation: "none", destroy }, false, false);
    for (const s of occ.sessions.values()) ctx.send(addressed(p, s));
    room.removeOccupant(occ);
  }
  await ctx.rooms.forget(room);
}
