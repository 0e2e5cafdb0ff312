/**
 * Occupants leaving, by choice or not: the unavailable presence to the one leaving (with 110) and
 * to everyone else, and the end of a temporary room once nobody is left.
 *
 * References:
 * - XEP-0045 §7.14 (exit: unavailable with role none; 110 to the occupant; a temporary room is
 *   destroyed after its last occupant leaves), §17.3 rule 8 (role and affiliation in every
 *   presence, unavailable included)
 * - XEP-0045 §8.2 (kick, 307), §9.1 (ban, 301), §9.4 (321), §10.2 (322)
 * - XEP-0045 §11.1 (333: removed because of an error, e.g. a ghost), §11.2 (332: shutdown)
 * - XEP-0045 §18.1.2 (ghost users: delivery errors remove the occupant)
 */
import type { JID } from "../../lib/jid";
import { addressed, broadcastPresence, occupantPresence, type PresenceOptions } from "./broadcast";
import type { MucContext } from "./context";
import type { Occupant } from "./occupant";
import type { Room } from "./room";

/** A temporary room goes once empty. */
export function afterLeave(ctx: MucContext, room: Room): void {
  if (!room.isEmpty || room.config.persistent || room.destroyed) return;
  ctx.rooms.forget(room).catch((err: unknown) => ctx.log.error("removing an empty room failed", { room: room.jid.toString(), err: err as Error }));
}

/** One session leaves; the others learn of it only when it was the occupant's last. */
export function removeSession(ctx: MucContext, room: Room, occ: Occupant, session: JID, opts: PresenceOptions, tellSession: boolean): void {
  const leaving: PresenceOptions = { type: "unavailable", role: "none", ...opts };
  if (tellSession) ctx.send(addressed(occupantPresence(room, occ, leaving, true, true), session));
  const gone = room.removeSession(occ, session);
  if (gone) broadcastPresence(ctx, room, occ, leaving, { exclude: occ });
  afterLeave(ctx, room);
}

/**
 * The whole occupant is removed (kick, ban, affiliation change, destruction). The occupant hears
 * of it at once; `later` receives the notice to everyone else, so an IQ can be answered first.
 */
export function removeOccupant(ctx: MucContext, room: Room, occ: Occupant, opts: PresenceOptions, later?: (fn: () => void) => void): void {
  const leaving: PresenceOptions = { type: "unavailable", role: "none", ...opts };
  const self = occupantPresence(room, occ, leaving, true, true);
  for (const s of occ.sessions.values()) ctx.send(addressed(self, s));
  room.removeOccupant(occ);
  const tellOthers = () => {
    broadcastPresence(ctx, room, occ, leaving, { exclude: occ });
    afterLeave(ctx, room);
  };
  if (later) later(tellOthers);
  else tellOthers();
}

/** Delivery errors that mean the occupant's session is gone (XEP-0045 §18.1.2). */
const GHOST_CONDITIONS = new Set(["gone", "item-not-found", "recipient-unavailable", "redirect", "remote-server-not-found", "remote-server-timeout", "service-unavailable"]);

export function isDeliveryFailure(condition: string | undefined): boolean {
  return condition !== undefined && GHOST_CONDITIONS.has(condition);
}

/** §11.2: the service is going away; every occupant hears so (332) and is no longer in the room. */
export function announceShutdown(ctx: MucContext): void {
  for (const room of ctx.rooms.all()) {
    for (const occ of [...room.occupants.values()]) {
      const p = occupantPresence(room, occ, { type: "unavailable", role: "none", codes: [332] }, true, true);
      for (const s of occ.sessions.values()) ctx.send(addressed(p, s));
      room.removeOccupant(occ);
    }
  }
}
