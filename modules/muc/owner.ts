/**
 * The muc#owner protocol: the configuration form, instant rooms, cancelling the initial
 * configuration, and destroying a room.
 *
 * References:
 * - XEP-0045 §10.1.2 (instant room: an empty submitted form unlocks the room), §10.1.3 (reserved
 *   room: form, submission, not-acceptable, cancel destroys a room still locked), §10.2 (later
 *   configuration; non-owners get forbidden; cancel changes nothing; a room made members-only
 *   removes non-members with 322), §10.2.1 (notice of changes: 172/173 for anonymity, 104 for
 *   the rest), §10.9 (destroy, owners only)
 */
import type { Element } from "ltx";
import type { IqEvent } from "../../lib/router";
import { el, getText } from "../../lib/stanza";
import { findChild } from "../../lib/xml/element";
import { messageToAll, statusMessage } from "./broadcast";
import { applyConfig, configForm } from "./config-form";
import type { MucContext } from "./context";
import { readSubmission } from "./dataform";
import { destroyRoom } from "./destroy";
import { mucError } from "./errors";
import { afterReply, roomFor } from "./lookup";
import { MUC, NS_DATA } from "./ns";
import { afterLeave, removeOccupant } from "./removal";
import type { Room } from "./room";
import { affiliationRank, type RoomConfig } from "./types";

function requireOwner(room: Room, ev: IqEvent): void {
  if (room.affiliationOf(ev.from) !== "owner") throw mucError("forbidden", "Only owners configure this room");
}

export function ownerGet(ctx: MucContext, ev: IqEvent): Element {
  const room = roomFor(ctx, ev);
  requireOwner(room, ev);
  return el("query", { xmlns: MUC.OWNER }, configForm(room.config, room.jid.toString(), ctx.options.muc_max_occupants));
}

function changeNotice(before: RoomConfig, after: RoomConfig): number[] {
  const codes: number[] = [];
  if (before.whois !== after.whois) codes.push(after.whois === "anyone" ? 172 : 173);
  const rest = (c: RoomConfig) => JSON.stringify({ ...c, whois: undefined });
  if (rest(before) !== rest(after)) codes.push(104);
  return codes;
}

function configEffects(ctx: MucContext, room: Room, before: RoomConfig): void {
  const codes = changeNotice(before, room.config);
  if (codes.length > 0) afterReply(() => messageToAll(ctx, room, statusMessage(room, codes)));
  if (room.config.membersOnly && !before.membersOnly) {
    for (const occ of [...room.occupants.values()]) {
      const affiliation = room.affiliationOf(occ.bare);
      if (affiliationRank(affiliation) < affiliationRank("member")) removeOccupant(ctx, room, occ, { codes: [322], affiliation }, afterReply);
    }
  }
  afterLeave(ctx, room);
}

async function submit(ctx: MucContext, room: Room, x: Element): Promise<void> {
  const { type, fields } = readSubmission(x);
  if (type === "cancel") {
    if (room.locked) await destroyRoom(ctx, room, { reason: "The room's creation was cancelled" });
    return;
  }
  if (type !== "submit") throw mucError("bad-request", "Submit or cancel the form");
  const before = room.config;
  const wasLocked = room.locked;
  room.config = applyConfig(before, fields, ctx.options.muc_max_occupants);
  room.locked = false;
  try {
    await ctx.rooms.persist(room);
  } catch (err) {
    room.config = before;
    room.locked = wasLocked;
    ctx.log.error("storing a room configuration failed", { room: room.jid.toString(), err: err as Error });
    throw mucError("internal-server-error", "The configuration could not be stored", "wait");
  }
  configEffects(ctx, room, before);
}

export async function ownerSet(ctx: MucContext, ev: IqEvent): Promise<true> {
  const room = roomFor(ctx, ev);
  requireOwner(room, ev);
  const destroy = findChild(ev.payload, "destroy", MUC.OWNER);
  if (destroy) {
    const reason = findChild(destroy, "reason", MUC.OWNER);
    const password = findChild(destroy, "password", MUC.OWNER);
    await destroyRoom(ctx, room, { jid: destroy.attrs.jid as string | undefined, reason: reason && getText(reason), password: password && getText(password) });
    return true;
  }
  const x = findChild(ev.payload, "x", NS_DATA);
  if (!x) throw mucError("bad-request", "Expected a data form or <destroy/>");
  await submit(ctx, room, x);
  return true;
}
