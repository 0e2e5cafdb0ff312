/**
 * The jabber:iq:roster IQs a client sends about its own roster: get (with versioning), set, remove.
 * Replies are sent here rather than returned, so the result always leaves before the pushes that
 * follow it, and both leave in turn with the user's other roster changes.
 *
 * References:
 * - RFC 6121 §2.2 (get: the requester becomes an interested resource)
 * - RFC 6121 §2.3, §2.4 (set: result to the requester, push to every interested resource)
 * - RFC 6121 §2.5 (remove: push subscription='remove'; unsubscribe/unsubscribed to the contact;
 *   item-not-found when there is no such item)
 * - XEP-0237 §5 (ver: unchanged → empty result; older → full roster, or an empty result followed
 *   by pushes of what changed since)
 */
import type { Element } from "ltx";
import { stanzaError } from "../../lib/errors";
import type { Host } from "../../lib/host";
import type { IqEvent } from "../../lib/router";
import type { Server } from "../../lib/server";
import { el, iqResult } from "../../lib/stanza";
import { NS } from "../../lib/xml/ns";
import { unavailablePresences } from "../presence/send";
import { hasFrom, hasTo, parseVersion, RosterDoc, versionOf } from "./model";
import { itemElement, markInterested, pushStanza, pushToInterested } from "./push";
import type { RosterStore } from "./store";
import { parseRosterSet, RosterLimits } from "./validate";

export interface RosterIqContext {
  host: Host;
  server: Server;
  store: RosterStore;
  limits: RosterLimits & { maxItems: number };
  send(stanza: Element): void;
}

function fullRoster(doc: RosterDoc | undefined): Element {
  const items = doc ? [...doc.items].map(([jid, item]) => itemElement(jid, item)) : [];
  return el("query", { xmlns: NS.ROSTER, ver: versionOf(doc) }, ...items);
}

export async function rosterGet(ctx: RosterIqContext, ev: IqEvent): Promise<void> {
  const session = ev.origin!;
  const user = session.jid!;
  const clientVer = ev.payload.attrs.ver as string | undefined;
  await ctx.store.withRoster(user.local, (doc) => {
    markInterested(session);
    const reply = (payload?: Element) => ctx.server.router.reply(session, ev.stanza, iqResult(ev.stanza, payload));
    if (clientVer === undefined || clientVer === "") return reply(fullRoster(doc));
    if (clientVer === versionOf(doc)) return reply();
    const since = doc ? parseVersion(doc, clientVer) : undefined;
    if (doc === undefined || since === undefined || since < doc.floor) return reply(fullRoster(doc));
    // XEP-0237 §5: the empty result says "your cache is the base"; the pushes bring it up to date.
    reply();
    const changes: [number, string, Element][] = [];
    for (const [jid, item] of doc.items) if (item.v > since) changes.push([item.v, jid, itemElement(jid, item)]);
    for (const [jid, v] of doc.gone) if (v > since) changes.push([v, jid, itemElement(jid, undefined)]);
    changes.sort((a, b) => a[0] - b[0]);
    for (const [v, jid] of changes) {
      const item = doc.items.get(jid);
      session.send(pushStanza(user.toString(), jid, item, `${doc.epoch}-${v}`));
    }
  });
}

export async function rosterSet(ctx: RosterIqContext, ev: IqEvent): Promise<void> {
  const session = ev.origin!;
  const user = session.jid!;
  const request = parseRosterSet(ev.payload, user, ctx.limits);
  const jid = request.jid.toString();
  const { sessions, router } = ctx.server;
  await ctx.store.transact(user.local, (tx) => {
    const existing = tx.item(jid);
    if (request.remove) {
      if (!existing) throw stanzaError("item-not-found", "No such roster item");
      const pendingIn = tx.doc.pending.delete(jid);
      tx.removeItem(jid);
      tx.after(() => {
        router.reply(session, ev.stanza, iqResult(ev.stanza));
        pushToInterested(sessions, ctx.host.name, user.local, jid, undefined, tx.version);
        const from = user.bare.toString();
        // RFC 6121 §2.5.2: removing the item ends the subscriptions both ways, and any pending request.
        if (hasTo(existing.subscription) || existing.ask) ctx.send(el("presence", { type: "unsubscribe", from, to: jid }));
        if (hasFrom(existing.subscription) || pendingIn) ctx.send(el("presence", { type: "unsubscribed", from, to: jid }));
        if (hasFrom(existing.subscription)) for (const p of unavailablePresences(sessions, ctx.host.name, user.local, jid)) ctx.send(p);
      });
      return;
    }
    if (!existing && tx.doc.items.size >= ctx.limits.maxItems) throw stanzaError("not-allowed", `The roster is full (${ctx.limits.maxItems} items)`);
    const unchanged = existing && existing.name === request.name && existing.groups.join("\n") === request.groups.join("\n");
    const item = unchanged
      ? existing
      : tx.putItem(jid, {
          name: request.name,
          groups: request.groups,
          subscription: existing?.subscription ?? "none",
          ask: existing?.ask ?? false,
          approved: existing?.approved ?? false,
        });
    tx.after(() => {
      router.reply(session, ev.stanza, iqResult(ev.stanza));
      // RFC 6121 §2.3.2: the push goes out even to the resource that made the change.
      pushToInterested(sessions, ctx.host.name, user.local, jid, item, tx.version);
    });
  });
}
