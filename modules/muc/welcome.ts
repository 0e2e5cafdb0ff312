/**
 * What a session receives on entering a room, in the order the specification fixes: the other
 * occupants' presence, its own presence, discussion history, then the subject.
 *
 * References:
 * - XEP-0045 §7.1 (order of events), §7.2.2 (self-presence last, with 110; the join's 'id' may be
 *   reflected), §7.2.13 (history with <delay from=room/>), §7.2.15 (the subject, empty when
 *   unset, with a <delay/> for when it was set; join is complete on the subject)
 * - XEP-0045 §7.2.1 (a join from an already joined session is a resynchronization: the same
 *   stanzas again)
 */
import { randomUUID } from "node:crypto";
import type { Element } from "ltx";
import type { JID } from "../../lib/jid";
import { el } from "../../lib/stanza";
import { NS } from "../../lib/xml/ns";
import { addressed, occupantPresence, seesJid } from "./broadcast";
import type { MucContext } from "./context";
import { historyRequest } from "./history";
import { NS_OCCUPANT_ID } from "./ns";
import type { Occupant } from "./occupant";
import type { Room } from "./room";

function delay(room: Room, at: Date): Element {
  return el("delay", { xmlns: NS.DELAY, from: room.jid.toString(), stamp: at.toISOString() });
}

export function subjectMessage(room: Room): Element {
  const s = room.subject;
  const from = s?.nick !== undefined ? room.jid.withResource(s.nick).toString() : room.jid.toString();
  return el(
    "message",
    { from, type: "groupchat", id: randomUUID() },
    el("subject", {}, s?.text ?? ""),
    s && delay(room, s.at),
    s?.occupantId !== undefined && el("occupant-id", { xmlns: NS_OCCUPANT_ID, id: s.occupantId }),
  );
}

export function welcome(ctx: MucContext, room: Room, occ: Occupant, session: JID, join: Element, selfCodes: number[]): void {
  for (const other of room.occupants.values()) {
    if (other !== occ) ctx.send(addressed(occupantPresence(room, other, {}, seesJid(room, occ, other), false), session));
  }
  const self = addressed(occupantPresence(room, occ, { selfCodes }, true, true), session);
  if (join.attrs.id !== undefined) self.attrs.id = join.attrs.id;
  ctx.send(self);
  const defaultCount = Math.min(ctx.options.muc_default_history, ctx.options.muc_max_history);
  for (const entry of room.history.select(historyRequest(join), defaultCount)) {
    const m = addressed(entry.stanza, session);
    const d = delay(room, entry.at);
    d.parent = m;
    m.children.push(d);
    ctx.send(m);
  }
  ctx.send(addressed(subjectMessage(room), session));
}

/** The status codes a joining occupant gets on its own presence (§7.2.3 100, §10.1.1 201). */
export function joinCodes(room: Room, created: boolean): number[] {
  const codes: number[] = [];
  if (room.config.whois === "anyone") codes.push(100);
  if (created) codes.push(201);
  return codes;
}

