/**
 * Service discovery of an account's PEP nodes: the nodes one may see (disco#items on the account),
 * a node's identity (disco#info with 'node'), and its items (disco#items with 'node').
 *
 * References:
 * - XEP-0060 §5.2 (discover nodes), §5.3 (node information: identity pubsub/leaf), §5.5 (items of
 *   a node: their ids as 'name')
 * - XEP-0163 §6.2 (contacts may discover the account's nodes)
 * - XEP-0030 §3.2, §4.2 (a node that does not exist, or may not be seen: item-not-found)
 */
import type { Element } from "ltx";
import { StanzaError, stanzaError } from "../../lib/errors";
import { el } from "../../lib/stanza";
import { NS } from "../../lib/xml/ns";
import { mayRead, RosterView } from "./access";
import type { PepContext, PepRequest } from "./context";
import { readableNode } from "./items";
import { NS_PUBSUB } from "./ns";

/** A node one may not read is one that, as far as disco tells, does not exist. */
async function visibleNode(ctx: PepContext, req: PepRequest, node: string) {
  try {
    return await readableNode(ctx, req, node);
  } catch (err) {
    if (err instanceof StanzaError) throw stanzaError("item-not-found");
    throw err;
  }
}

export async function nodeInfo(ctx: PepContext, req: PepRequest, node: string): Promise<Element> {
  await visibleNode(ctx, req, node);
  return el("query", { xmlns: NS.DISCO_INFO, node }, el("identity", { category: "pubsub", type: "leaf" }), el("feature", { var: NS_PUBSUB }));
}

export async function nodeItems(ctx: PepContext, req: PepRequest, node: string): Promise<Element> {
  const doc = await visibleNode(ctx, req, node);
  const jid = req.ownerJid.toString();
  return el("query", { xmlns: NS.DISCO_ITEMS, node }, ...doc.items.map((i) => el("item", { jid, name: i.id })));
}

/** The nodes the requester may see; an empty list for someone else answers nothing (see the disco module). */
export async function accountItems(ctx: PepContext, req: PepRequest): Promise<Element | undefined> {
  const roster = new RosterView(ctx.host, req.owner);
  const jid = req.ownerJid.toString();
  const requester = req.from.bare.toString();
  const items: Element[] = [];
  for (const [node, doc] of await ctx.store.all(req.owner)) {
    if (req.isOwner || (await mayRead(doc.config, requester, roster))) items.push(el("item", { jid, node, name: doc.config.title || undefined }));
  }
  if (!req.isOwner && items.length === 0) return undefined;
  return el("query", { xmlns: NS.DISCO_ITEMS }, ...items);
}
