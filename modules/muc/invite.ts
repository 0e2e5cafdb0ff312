/**
 * Mediated invitations and declines, relayed by the room.
 *
 * References:
 * - XEP-0045 §7.8.2 (invite: from an occupant to the room, which adds the inviter's address and
 *   the password and sends it on; in a members-only room only admins, or members when
 *   muc#roomconfig_allowinvites is on, may invite, others get forbidden, and the invitee becomes
 *   a member; a decline goes back through the room to the inviter)
 * - XEP-0045 §9.5 note (invitations through an open room never change the member list)
 */
import type { Element } from "ltx";
import { type JID, tryParseJid } from "../../lib/jid";
import type { StanzaEvent } from "../../lib/router";
import { cloneElement, el, getText } from "../../lib/stanza";
import { findChild, findChildren } from "../../lib/xml/element";
import type { MucContext } from "./context";
import { bounce, mucError } from "./errors";
import { MUC } from "./ns";
import type { Room } from "./room";
import { affiliationRank } from "./types";

/** Invitations one message may carry; more looks like using the room to spam. */
const MAX_INVITES = 10;

function reasonOf(e: Element): Element | undefined {
  const r = findChild(e, "reason", MUC.USER);
  return r && el("reason", {}, getText(r));
}

function mayInvite(room: Room, user: JID): boolean {
  if (!room.config.membersOnly) return true;
  const rank = affiliationRank(room.affiliationOf(user));
  return rank >= affiliationRank("admin") || (room.config.allowInvites && rank >= affiliationRank("member"));
}

async function invite(ctx: MucContext, room: Room, ev: StanzaEvent, invites: Element[]): Promise<void> {
  const { stanza, from } = ev;
  const where = room.jid.toString();
  if (!room.bySessionJid(from)) return bounce(ctx, stanza, mucError("not-acceptable", "Join the room before inviting"), where);
  if (!mayInvite(room, from)) return bounce(ctx, stanza, mucError("forbidden", "Only admins may invite to this room"), where);
  if (invites.length > MAX_INVITES) return bounce(ctx, stanza, mucError("policy-violation", `At most ${MAX_INVITES} invitations at once`), where);
  const targets: [JID, Element][] = [];
  for (const i of invites) {
    const to = tryParseJid(i.attrs.to as string | undefined);
    if (!to) return bounce(ctx, stanza, mucError("jid-malformed", "An invitee's address is not a JID"), where);
    targets.push([to, i]);
  }
  let changed = false;
  for (const [to] of targets) {
    if (room.config.membersOnly && room.affiliationOf(to) === "none") {
      room.setAffiliation(to.bare.toString(), "member");
      changed = true;
    }
  }
  if (changed && room.config.persistent) {
    try {
      await ctx.rooms.persist(room);
    } catch (err) {
      ctx.log.error("storing new members failed", { room: where, err: err as Error });
      return bounce(ctx, stanza, mucError("internal-server-error", "The invitation could not be stored", "wait"), where);
    }
  }
  for (const [to, i] of targets) {
    const cont = findChild(i, "continue", MUC.USER);
    ctx.send(
      el("message", { from: where, to: to.toString(), id: stanza.attrs.id },
        el("x", { xmlns: MUC.USER },
          el("invite", { from: from.bare.toString() }, reasonOf(i), cont && cloneElement(cont)),
          room.config.password !== "" && el("password", {}, room.config.password)),
        el("body", {}, `${from.bare.toString()} invites you to the room ${where}`)),
    );
  }
}

/** A decline is relayed only to someone the room knows, so it cannot carry messages to strangers. */
function decline(ctx: MucContext, room: Room, ev: StanzaEvent, d: Element): void {
  const to = tryParseJid(d.attrs.to as string | undefined);
  if (!to) return bounce(ctx, ev.stanza, mucError("jid-malformed", "The inviter's address is not a JID"), room.jid.toString());
  const known = room.byUser(to).length > 0 || affiliationRank(room.affiliationOf(to)) >= affiliationRank("member");
  if (!known) return;
  ctx.send(
    el("message", { from: room.jid.toString(), to: to.toString(), id: ev.stanza.attrs.id },
      el("x", { xmlns: MUC.USER }, el("decline", { from: ev.from.bare.toString() }, reasonOf(d)))),
  );
}

/** Handles an invitation or decline; false when the message is neither. */
export async function invitation(ctx: MucContext, room: Room, ev: StanzaEvent): Promise<boolean> {
  const x = findChild(ev.stanza, "x", MUC.USER);
  if (!x) return false;
  const invites = findChildren(x, "invite", MUC.USER);
  if (invites.length > 0) {
    await invite(ctx, room, ev, invites);
    return true;
  }
  const declines = findChildren(x, "decline", MUC.USER);
  if (declines.length > 0) {
    decline(ctx, room, ev, declines[0]);
    return true;
  }
  return false;
}
