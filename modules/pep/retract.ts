/**
 * Retracting items: the owner removes items by id; subscribers hear of it when the request asks
 * for notification or the node is configured to notify retractions.
 *
 * References:
 * - XEP-0060 §7.2.1 (request), §7.2.2 (success; notify='true' or '1' notifies), §7.2.2.1 (the
 *   <retract/> notification), §7.2.3 (errors: forbidden, nodeid-required, item-required,
 *   item-not-found for a missing node or item)
 * - XEP-0402 §3.3 (bookmarks are retracted with notify='true' so the owner's other clients learn)
 */
import type { Element } from "ltx";
import { findChildren } from "../../lib/xml/element";
import type { PepContext, PepRequest } from "./context";
import { nodeNotFound, pubsubError } from "./errors";
import { parseBoolean } from "./forms";
import { nodeOf } from "./names";
import { Notifier, retractEvent } from "./notify";
import { NS_PUBSUB } from "./ns";
import { ownerOnly } from "./publish";
import { stanzaError } from "../../lib/errors";

export async function retract(ctx: PepContext, notifier: Notifier, req: PepRequest, retractEl: Element): Promise<true> {
  ownerOnly(req, "retract items from its PEP nodes");
  const node = nodeOf(retractEl, ctx.limits);
  const ids = findChildren(retractEl, "item", NS_PUBSUB).map((i) => i.attrs.id as string | undefined);
  if (ids.length === 0 || ids.some((id) => !id)) throw pubsubError("bad-request", "item-required");
  const wanted = new Set(ids as string[]);
  const doc = await ctx.store.change(req.owner, async () => {
    const d = await ctx.store.get(req.owner, node);
    if (!d) throw nodeNotFound();
    const kept = d.items.filter((i) => !wanted.has(i.id));
    if (d.items.length - kept.length !== wanted.size) throw stanzaError("item-not-found", "No such item");
    d.items = kept;
    await ctx.store.put(req.owner, node, d);
    return d;
  });
  const asked = parseBoolean(retractEl.attrs.notify as string | undefined);
  if (asked ?? doc.config.notify_retract) {
    notifier
      .broadcast(req.owner, req.ownerJid.toString(), node, doc, retractEvent(node, [...wanted]))
      .catch((err: unknown) => ctx.log.warn("PEP retract notifications not sent", { owner: req.owner, node, err: err as Error }));
  }
  return true;
}
