/**
 * Retrieving items: all of them, the N most recent, or named ones, for the owner and for whoever
 * the node's access model lets in.
 *
 * References:
 * - XEP-0060 §6.5.2 (all items), §6.5.7 (max_items: the most recent N), §6.5.8 (by ItemID)
 * - XEP-0060 §6.5.9 (errors: item-not-found for a missing node; the access model's error)
 * - XEP-0163 §4 (the owner may always retrieve items)
 */
import type { Element } from "ltx";
import { stanzaError } from "../../lib/errors";
import { el } from "../../lib/stanza";
import { findChildren } from "../../lib/xml/element";
import { accessDenied, RosterView } from "./access";
import type { PepContext, PepRequest } from "./context";
import { nodeNotFound } from "./errors";
import { nodeOf } from "./names";
import { NS_PUBSUB } from "./ns";
import { itemPayload, NodeDoc } from "./store";

/** The node, when the requester may read it; otherwise the error to answer. */
export async function readableNode(ctx: PepContext, req: PepRequest, node: string): Promise<NodeDoc> {
  const doc = await ctx.store.get(req.owner, node);
  if (!doc) throw nodeNotFound();
  if (!req.isOwner) {
    const denied = await accessDenied(doc.config, req.from.bare.toString(), new RosterView(ctx.host, req.owner));
    if (denied) throw denied;
  }
  return doc;
}

export async function items(ctx: PepContext, req: PepRequest, itemsEl: Element): Promise<Element> {
  const node = nodeOf(itemsEl, ctx.limits);
  const rawMax = itemsEl.attrs.max_items as string | undefined;
  if (rawMax !== undefined && !/^[1-9]\d{0,8}$/.test(rawMax)) throw stanzaError("bad-request", "max_items is a positive integer");
  const doc = await readableNode(ctx, req, node);
  const ids = findChildren(itemsEl, "item", NS_PUBSUB)
    .map((i) => i.attrs.id as string | undefined)
    .filter((id): id is string => !!id);
  let chosen = doc.items;
  if (ids.length > 0) chosen = chosen.filter((i) => ids.includes(i.id));
  else if (rawMax !== undefined) chosen = chosen.slice(-Number(rawMax));
  return el("pubsub", { xmlns: NS_PUBSUB }, el("items", { node }, ...chosen.map((i) => el("item", { id: i.id }, itemPayload(i)))));
}
