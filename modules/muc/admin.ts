/**
 * The muc#admin protocol: lists of occupants by role and of users by affiliation, and changes to
 * both (kick, voice, moderator status, membership, bans, admins, owners).
 *
 * References:
 * - XEP-0045 §8.2 (kick, 307), §8.3–§8.5 (voice and the voice list), §9.1–§9.2 (ban, 301, and
 *   the ban list), §9.3–§9.5 (membership; a removed member leaves a members-only room with 321),
 *   §9.6–§9.8 (moderators), §10.3–§10.8 (owners and admins; the last owner stays: conflict)
 * - XEP-0045 §5.2.1 and 1.35.0 (who may read which list: admins the ban and member lists, owners
 *   the owner and admin lists; in non-anonymous rooms members may read the member, admin and owner
 *   lists)
 * - XEP-0045 §17.4 rules 4–6 (only 'role' or 'affiliation' per item: bad-request; results carry
 *   nick/role/affiliation/jid for roles, affiliation/jid for affiliations)
 */
import type { Element } from "ltx";
import { type JID, tryParseJid } from "../../lib/jid";
import { StanzaError } from "../../lib/errors";
import type { IqEvent } from "../../lib/router";
import { el, getText } from "../../lib/stanza";
import { findChild, findChildren } from "../../lib/xml/element";
import { addressed, broadcastPresence, occupantPresence, seesJid } from "./broadcast";
import type { MucContext } from "./context";
import { mucError } from "./errors";
import { afterReply, roomFor } from "./lookup";
import { MUC } from "./ns";
import type { Occupant } from "./occupant";
import { affiliationChangeError, roleChangeError } from "./permissions";
import { removeOccupant } from "./removal";
import type { Room } from "./room";
import { AFFILIATIONS, type Affiliation, affiliationRank as rank, defaultRole, type Role, ROLES } from "./types";

/** Affiliations one room may record; beyond this the list is a storage attack. */
const MAX_AFFILIATIONS = 10000;

const privileged = (a: Affiliation) => a === "owner" || a === "admin";

function mayList(room: Room, requester: JID, affiliation: Affiliation): boolean {
  const r = rank(room.affiliationOf(requester));
  const nonAnonymousMember = room.config.whois === "anyone" && r >= rank("member");
  if (affiliation === "outcast") return r >= rank("admin");
  if (affiliation === "member") return r >= rank("admin") || nonAnonymousMember;
  return r >= rank("owner") || nonAnonymousMember;
}

export function adminGet(ctx: MucContext, ev: IqEvent): Element {
  const room = roomFor(ctx, ev);
  const items = findChildren(ev.payload, "item", MUC.ADMIN);
  if (items.length !== 1) throw mucError("bad-request", "Ask for one list at a time");
  const affiliation = items[0].attrs.affiliation as Affiliation | undefined;
  const role = items[0].attrs.role as Role | undefined;
  if ((affiliation === undefined) === (role === undefined)) throw mucError("bad-request", "Ask for an affiliation or a role");
  if (affiliation !== undefined) {
    if (!AFFILIATIONS.includes(affiliation) || affiliation === "none") throw mucError("bad-request", "Unknown affiliation");
    if (!mayList(room, ev.from, affiliation)) throw mucError("forbidden", "You may not see that list");
    const list = [...room.affiliations].filter(([, e]) => e.affiliation === affiliation);
    return el("query", { xmlns: MUC.ADMIN }, list.map(([jid, e]) =>
      el("item", { affiliation, jid, nick: e.nick }, e.reason !== undefined && el("reason", {}, e.reason))));
  }
  if (!ROLES.includes(role!) || role === "none") throw mucError("bad-request", "Unknown role");
  if (room.bySessionJid(ev.from)?.role !== "moderator") throw mucError("forbidden", "Only moderators see role lists");
  const list = [...room.occupants.values()].filter((o) => o.role === role);
  return el("query", { xmlns: MUC.ADMIN }, list.map((o) =>
    el("item", { nick: o.nick, role: o.role, affiliation: room.affiliationOf(o.bare), jid: o.jid.toString() })));
}

interface RoleChange {
  target: Occupant;
  role: Role;
  reason?: string;
}

interface AffiliationChange {
  jid: JID;
  affiliation: Affiliation;
  reason?: string;
  /** A reserved nickname to set ("" clears it). */
  nick?: string;
}

function reasonOf(item: Element): string | undefined {
  const r = findChild(item, "reason", MUC.ADMIN);
  return r && getText(r);
}

/** A moderator who became one in a semi-anonymous room now sees everyone's real JID. */
function showJids(ctx: MucContext, room: Room, viewer: Occupant): void {
  if (room.config.whois === "anyone") return;
  for (const other of room.occupants.values()) {
    if (other === viewer) continue;
    const p = occupantPresence(room, other, {}, seesJid(room, viewer, other), false);
    for (const s of viewer.sessions.values()) ctx.send(addressed(p, s));
  }
}

function announce(ctx: MucContext, room: Room, occ: Occupant, wasModerator: boolean, reason?: string): void {
  afterReply(() => {
    if (room.occupants.get(occ.nick) !== occ) return;
    broadcastPresence(ctx, room, occ, { reason });
    if (!wasModerator && occ.role === "moderator") showJids(ctx, room, occ);
  });
}

function parse(room: Room, ev: IqEvent, actor: { affiliation: Affiliation; role: Role }): { roles: RoleChange[]; affiliations: AffiliationChange[] } {
  const roles: RoleChange[] = [];
  const affiliations: AffiliationChange[] = [];
  const items = findChildren(ev.payload, "item", MUC.ADMIN);
  if (items.length === 0) throw mucError("bad-request", "No items");
  for (const item of items) {
    const role = item.attrs.role as Role | undefined;
    const affiliation = item.attrs.affiliation as Affiliation | undefined;
    const nick = item.attrs.nick as string | undefined;
    if ((role === undefined) === (affiliation === undefined)) throw mucError("bad-request", "Each item changes either a role or an affiliation");
    if (role !== undefined) {
      if (!ROLES.includes(role)) throw mucError("bad-request", "Unknown role");
      if (nick === undefined) throw mucError("bad-request", "A role change names the occupant's nick");
      const target = room.byNick(nick);
      if (!target) throw mucError("item-not-found", `No occupant ${nick}`);
      const err = roleChangeError(actor, { affiliation: room.affiliationOf(target.bare), role: target.role }, role);
      if (err) throw err;
      roles.push({ target, role, reason: reasonOf(item) });
      continue;
    }
    if (!AFFILIATIONS.includes(affiliation!)) throw mucError("bad-request", "Unknown affiliation");
    const raw = item.attrs.jid as string | undefined;
    const jid = raw !== undefined ? tryParseJid(raw)?.bare : nick !== undefined ? room.byNick(nick)?.bare : undefined;
    if (!jid) throw mucError(raw !== undefined ? "jid-malformed" : "bad-request", "An affiliation change names a JID");
    const err = affiliationChangeError(actor.affiliation, room.affiliationOf(jid), affiliation!, jid.equals(ev.from.bare));
    if (err) throw err;
    if (raw !== undefined && nick !== undefined && nick !== "" && !tryParseJid(`${room.jid.toString()}/${nick}`)) throw mucError("jid-malformed", "Not a valid nickname");
    affiliations.push({ jid, affiliation: affiliation!, reason: reasonOf(item), nick: raw !== undefined ? nick : undefined });
  }
  return { roles, affiliations };
}

function applyAffiliations(room: Room, changes: AffiliationChange[]): Map<string, Affiliation> {
  const before = new Map<string, Affiliation>();
  for (const c of changes) {
    const key = c.jid.toString();
    if (!before.has(key)) before.set(key, room.affiliationOf(c.jid));
    room.setAffiliation(key, c.affiliation, c.reason);
    const entry = room.affiliations.get(key);
    if (entry && c.nick !== undefined && c.affiliation !== "outcast") {
      if (c.nick !== "" && room.reservedByOther(c.nick, c.jid)) throw mucError("conflict", `The nickname ${c.nick} is reserved by someone else`);
      entry.nick = c.nick === "" ? undefined : c.nick;
    }
  }
  if (room.owners().length === 0) throw mucError("conflict", "A room keeps at least one owner");
  if (room.affiliations.size > MAX_AFFILIATIONS) throw mucError("resource-constraint", "Too many affiliations in this room");
  return before;
}

function affiliationEffects(ctx: MucContext, room: Room, jid: JID, before: Affiliation, actor: string | undefined, reason?: string): void {
  const affected = [...room.occupants.values()].filter((o) => o.bare.equals(jid) || (jid.local === "" && o.bare.domain === jid.domain));
  for (const occ of affected) {
    const now = room.affiliationOf(occ.bare);
    if (now === "outcast") {
      removeOccupant(ctx, room, occ, { codes: [301], affiliation: "outcast", actor, reason }, afterReply);
    } else if (room.config.membersOnly && rank(now) < rank("member")) {
      removeOccupant(ctx, room, occ, { codes: [321], affiliation: now, actor, reason }, afterReply);
    } else {
      const wasModerator = occ.role === "moderator";
      if (privileged(now) || privileged(before)) occ.role = defaultRole(now, room.config);
      else if (occ.role === "visitor" && rank(now) >= rank("member")) occ.role = "participant";
      announce(ctx, room, occ, wasModerator, reason);
    }
  }
}

export async function adminSet(ctx: MucContext, ev: IqEvent): Promise<true> {
  const room = roomFor(ctx, ev);
  const me = room.bySessionJid(ev.from);
  const actor = { affiliation: room.affiliationOf(ev.from), role: me?.role ?? ("none" as Role) };
  const { roles, affiliations } = parse(room, ev, actor);

  if (affiliations.length > 0) {
    const saved = new Map(room.affiliations);
    let before: Map<string, Affiliation>;
    try {
      before = applyAffiliations(room, affiliations);
      await ctx.rooms.persist(room);
    } catch (err) {
      room.affiliations.clear();
      for (const [k, v] of saved) room.affiliations.set(k, v);
      if (err instanceof StanzaError) throw err;
      ctx.log.error("storing affiliations failed", { room: room.jid.toString(), err: err as Error });
      throw mucError("internal-server-error", "The change could not be stored", "wait");
    }
    const seen = new Set<string>();
    for (const c of affiliations) {
      const key = c.jid.toString();
      if (seen.has(key)) continue;
      seen.add(key);
      affiliationEffects(ctx, room, c.jid, before.get(key)!, me?.nick, c.reason);
    }
  }

  for (const c of roles) {
    if (room.occupants.get(c.target.nick) !== c.target) continue;
    if (c.role === "none") {
      removeOccupant(ctx, room, c.target, { codes: [307], actor: me?.nick, reason: c.reason }, afterReply);
    } else if (c.role !== c.target.role) {
      const wasModerator = c.target.role === "moderator";
      c.target.role = c.role;
      announce(ctx, room, c.target, wasModerator, c.reason);
    }
  }
  return true;
}

