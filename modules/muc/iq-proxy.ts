/**
 * IQs to occupant JIDs: a self-ping is answered by the room; other requests are relayed to the
 * occupant under the requester's occupant JID, and the reply goes back the same way, so neither
 * side learns the other's real JID.
 *
 * References:
 * - XEP-0045 §17.4 rule 3 (IQs through occupant JIDs are forwarded without revealing real JIDs),
 *   §6.6 (disco to an occupant JID from a non-occupant: bad-request)
 * - XEP-0410 §3.2 (self-ping: not-acceptable when not joined), §3.3 (the service may answer a
 *   self-ping itself)
 * - RFC 6120 §8.2.3 (every get/set gets exactly one result or error)
 */
import { randomBytes } from "node:crypto";
import type { Element } from "ltx";
import type { StanzaEvent } from "../../lib/router";
import { childElements, cloneElement, errorReply, iqResult } from "../../lib/stanza";
import { NS } from "../../lib/xml/ns";
import type { MucContext } from "./context";
import { mucError } from "./errors";

interface Pending {
  requester: string;
  id: string;
  room: string;
  /** The target occupant's nickname and the real JID the request went to. */
  nick: string;
  target: string;
  at: number;
}

/** Relayed requests awaiting a reply, service-wide; the oldest are forgotten beyond this. */
const MAX_PENDING = 5000;
export const PENDING_TTL_MS = 60_000;

export class IqProxy {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly ctx: MucContext) {}

  /** iq/full: to room@service/nick. */
  handle(ev: StanzaEvent): true {
    const type = ev.stanza.attrs.type as string | undefined;
    if (type === "result" || type === "error") this.reply(ev);
    else this.request(ev);
    return true;
  }

  sweep(now = Date.now()): void {
    for (const [id, p] of this.pending) {
      if (now - p.at < PENDING_TTL_MS) break;
      this.pending.delete(id);
    }
  }

  private fail(ev: StanzaEvent, err: ReturnType<typeof mucError>): void {
    this.ctx.send(errorReply(ev.stanza, err));
  }

  private request(ev: StanzaEvent): void {
    const { stanza, from, to } = ev;
    const payload = childElements(stanza)[0];
    const room = this.ctx.rooms.get(to.local);
    const sender = room?.bySessionJid(from);
    if (!room || !sender) {
      const disco = payload?.attrs.xmlns === NS.DISCO_INFO || payload?.attrs.xmlns === NS.DISCO_ITEMS;
      return this.fail(ev, mucError(disco ? "bad-request" : "not-acceptable", "You are not in this room"));
    }
    const target = room.byNick(to.resource);
    if (!target) return this.fail(ev, mucError("item-not-found", "No such occupant"));
    if (target === sender && payload?.name === "ping" && payload.attrs.xmlns === NS.PING) {
      this.ctx.send(iqResult(stanza));
      return;
    }
    const id = randomBytes(12).toString("base64url");
    this.pending.set(id, { requester: from.toString(), id: stanza.attrs.id as string, room: room.jid.toString(), nick: target.nick, target: target.jid.toString(), at: Date.now() });
    if (this.pending.size > MAX_PENDING) this.pending.delete(this.pending.keys().next().value as string);
    const out = cloneElement(stanza);
    out.attrs.from = room.occupantJid(sender).toString();
    out.attrs.to = target.jid.toString();
    out.attrs.id = id;
    this.ctx.send(out);
  }

  private reply(ev: StanzaEvent): void {
    const p = this.pending.get(ev.stanza.attrs.id as string);
    // Only the session the request went to may answer it.
    if (!p || p.target !== ev.from.toString() || p.room !== ev.to.bare.toString()) return;
    this.pending.delete(ev.stanza.attrs.id as string);
    const back: Element = cloneElement(ev.stanza);
    back.attrs.from = `${p.room}/${p.nick}`;
    back.attrs.to = p.requester;
    back.attrs.id = p.id;
    this.ctx.send(back);
  }
}
