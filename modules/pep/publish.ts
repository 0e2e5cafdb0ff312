/**
 * Publishing: the owner publishes one item, the node is created on first publish (with the
 * publish-options as its configuration), and everyone interested is notified.
 *
 * References:
 * - XEP-0163 §3 (the owner publishes; auto-create MUST be supported; publish-options SHOULD)
 * - XEP-0060 §7.1.1-§7.1.3 (request, success with the ItemID, errors: forbidden, nodeid-required,
 *   item-required, payload-required, invalid-payload, payload-too-big)
 * - XEP-0060 §7.1.2 (an item with an existing id replaces it), §12.x max_items (oldest first out)
 * - XEP-0060 §7.1.5 (publish-options: FORM_TYPE publish-options, unknown fields refused, a node
 *   that does not match fails with conflict + precondition-not-met; a new node gets them as config)
 * - XEP-0060 §4.6.1 / §16 (max-items-exceeded, max-nodes-exceeded)
 */
import type { Element } from "ltx";
import { stanzaError } from "../../lib/errors";
import { childElements, el } from "../../lib/stanza";
import { findChildren, nsOf } from "../../lib/xml/element";
import { DEFAULT_CONFIG, effectiveMaxItems, meetsPreconditions, NodeConfig, parseConfigFields, withConfig } from "./config";
import type { PepContext, PepRequest } from "./context";
import { pubsubError } from "./errors";
import { findForm, readForm } from "./forms";
import { checkItemId, newItemId, nodeOf } from "./names";
import { itemsEvent, Notifier } from "./notify";
import { FORM_PUBLISH_OPTIONS, NS_PUBSUB } from "./ns";
import { NodeDoc, StoredItem, storePayload } from "./store";

export function ownerOnly(req: PepRequest, what: string): void {
  if (!req.isOwner) throw stanzaError("forbidden", `Only the account owner may ${what}`);
}

function publishOptions(ctx: PepContext, options: Element | undefined): Partial<NodeConfig> | undefined {
  const x = findForm(options);
  if (!x) return undefined;
  const form = readForm(x);
  if (form.formType !== FORM_PUBLISH_OPTIONS) throw stanzaError("bad-request", `publish-options need FORM_TYPE ${FORM_PUBLISH_OPTIONS}`);
  return parseConfigFields(form, ctx.limits);
}

function theItem(ctx: PepContext, publish: Element): { id: string; xml: string } {
  const items = findChildren(publish, "item", NS_PUBSUB);
  if (items.length === 0) throw pubsubError("bad-request", "item-required");
  if (items.length > 1) throw pubsubError("bad-request", "invalid-payload", "Publish one item at a time");
  const payloads = childElements(items[0]);
  if (payloads.length === 0) throw pubsubError("bad-request", "payload-required");
  if (payloads.length > 1) throw pubsubError("bad-request", "invalid-payload", "An item carries exactly one payload");
  const payload = payloads[0];
  // Stored on its own, the payload must name its namespace even where it inherited it.
  payload.attrs.xmlns = nsOf(payload) ?? "";
  const xml = storePayload(payload);
  if (Buffer.byteLength(xml, "utf8") > ctx.limits.maxItemSize) throw pubsubError("not-acceptable", "payload-too-big");
  const given = items[0].attrs.id as string | undefined;
  return { id: given ? checkItemId(given, ctx.limits) : newItemId(), xml };
}

/** The node's items after adding `item`: replaced in place of its old version, oldest dropped first. */
function withItem(ctx: PepContext, doc: NodeDoc, item: StoredItem): StoredItem[] {
  if (!doc.config.persist_items) return [];
  const items = doc.items.filter((i) => i.id !== item.id);
  const max = effectiveMaxItems(doc.config, ctx.limits);
  // A node kept at "max" holds a collection (bookmarks, say): losing the oldest silently is worse than refusing.
  if (doc.config.max_items === "max" && items.length === doc.items.length && items.length >= max) {
    throw pubsubError("not-allowed", "max-items-exceeded", `The node holds its maximum of ${max} items`);
  }
  items.push(item);
  while (items.length > max) items.shift();
  const bytes = items.reduce((n, i) => n + Buffer.byteLength(i.xml, "utf8"), 0);
  if (bytes > ctx.limits.maxNodeSize) throw stanzaError("policy-violation", `The node's items would exceed ${ctx.limits.maxNodeSize} bytes`);
  return items;
}

export async function newNode(ctx: PepContext, owner: string, config: NodeConfig): Promise<NodeDoc> {
  if ((await ctx.store.count(owner)) >= ctx.limits.maxNodes) throw pubsubError("not-allowed", "max-nodes-exceeded");
  return { config, items: [], subscribers: [] };
}

export async function publish(ctx: PepContext, notifier: Notifier, req: PepRequest, publishEl: Element, options: Element | undefined): Promise<Element> {
  ownerOnly(req, "publish to its PEP nodes");
  const node = nodeOf(publishEl, ctx.limits);
  const { id, xml } = theItem(ctx, publishEl);
  const wanted = publishOptions(ctx, options);
  const item: StoredItem = { id, xml, at: Date.now() };
  const doc = await ctx.store.change(req.owner, async () => {
    let d = await ctx.store.get(req.owner, node);
    if (!d) d = await newNode(ctx, req.owner, withConfig(DEFAULT_CONFIG, wanted ?? {}));
    else if (wanted && !meetsPreconditions(d.config, wanted, ctx.limits)) throw pubsubError("conflict", "precondition-not-met");
    d.items = withItem(ctx, d, item);
    await ctx.store.put(req.owner, node, d);
    return d;
  });
  const ownerJid = req.ownerJid.toString();
  notifier
    .broadcast(req.owner, ownerJid, node, doc, itemsEvent(node, doc.config, [item]))
    .catch((err: unknown) => ctx.log.warn("PEP notifications not sent", { owner: req.owner, node, err: err as Error }));
  return el("pubsub", { xmlns: NS_PUBSUB }, el("publish", { node }, el("item", { id })));
}
