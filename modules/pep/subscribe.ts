/**
 * Explicit subscriptions, for those who want a node's notifications without sharing presence (an
 * open node's readers, say): subscribe, unsubscribe, and listing one's own subscriptions.
 *
 * References:
 * - XEP-0163 §5 (a PEP service MUST support subscribe and unsubscribe), §4 item 1 (open nodes,
 *   explicit subscriptions)
 * - XEP-0060 §6.1.1-§6.1.3 (subscribe; the JID must match the requester's bare JID: invalid-jid;
 *   access model errors), §6.1.2 (success: subscription 'subscribed'), §6.1.7 (last item on subscribe)
 * - XEP-0060 §6.2.1-§6.2.3 (unsubscribe; not subscribed: unexpected-request + not-subscribed)
 * - XEP-0060 §5.6 (retrieve subscriptions)
 */
import type { Element } from "ltx";
import { stanzaError } from "../../lib/errors";
import { JID, tryParseJid } from "../../lib/jid";
import { el } from "../../lib/stanza";
import type { PepContext, PepRequest } from "./context";
import { nodeNotFound, pubsubError } from "./errors";
import { readableNode } from "./items";
import { nodeOf } from "./names";
import type { Notifier } from "./notify";
import { NS_PUBSUB } from "./ns";

function subscriberJid(req: PepRequest, e: Element): JID {
  const raw = e.attrs.jid as string | undefined;
  if (!raw) throw pubsubError("bad-request", "jid-required");
  const jid = tryParseJid(raw);
  if (!jid || !jid.bare.equals(req.from.bare)) throw pubsubError("bad-request", "invalid-jid");
  return jid;
}

export async function subscribe(ctx: PepContext, notifier: Notifier, req: PepRequest, subEl: Element): Promise<Element> {
  const node = nodeOf(subEl, ctx.limits);
  const jid = subscriberJid(req, subEl).toString();
  await ctx.store.change(req.owner, async () => {
    const doc = await readableNode(ctx, req, node);
    if (doc.subscribers.includes(jid)) return;
    if (doc.subscribers.length >= ctx.limits.maxSubscribers) throw stanzaError("policy-violation", "The node has too many subscribers");
    doc.subscribers.push(jid);
    await ctx.store.put(req.owner, node, doc);
  });
  const ownerJid = req.ownerJid.toString();
  notifier
    .sendLast(req.owner, ownerJid, { full: jid, bare: req.from.bare.toString(), own: req.isOwner }, [node], "subscribe")
    .catch((err: unknown) => ctx.log.warn("PEP last item not sent", { owner: req.owner, node, err: err as Error }));
  return el("pubsub", { xmlns: NS_PUBSUB }, el("subscription", { node, jid, subscription: "subscribed" }));
}

export async function unsubscribe(ctx: PepContext, req: PepRequest, unsubEl: Element): Promise<true> {
  const node = nodeOf(unsubEl, ctx.limits);
  const jid = subscriberJid(req, unsubEl).toString();
  await ctx.store.change(req.owner, async () => {
    const doc = await ctx.store.get(req.owner, node);
    if (!doc) throw nodeNotFound();
    if (!doc.subscribers.includes(jid)) throw pubsubError("unexpected-request", "not-subscribed");
    doc.subscribers = doc.subscribers.filter((s) => s !== jid);
    await ctx.store.put(req.owner, node, doc);
  });
  return true;
}

export async function subscriptions(ctx: PepContext, req: PepRequest, subsEl: Element): Promise<Element> {
  const only = subsEl.attrs.node as string | undefined;
  const mine = req.from.bare.toString();
  const out: Element[] = [];
  for (const [node, doc] of await ctx.store.all(req.owner)) {
    if (only !== undefined && node !== only) continue;
    for (const jid of doc.subscribers) {
      if (tryParseJid(jid)?.bare.toString() === mine) out.push(el("subscription", { node, jid, subscription: "subscribed" }));
    }
  }
  return el("pubsub", { xmlns: NS_PUBSUB }, el("subscriptions", {}, ...out));
}
