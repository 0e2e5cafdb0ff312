/**
 * The owner's node management: create (optionally configured), configure, default configuration,
 * delete and purge, with the notifications subscribers get for the last two.
 *
 * References:
 * - XEP-0060 §8.1.1-§8.1.3 (create; conflict when it exists; no instant nodes: nodeid-required;
 *   create-and-configure)
 * - XEP-0060 §8.2.1-§8.2.5 (configure: the form, submit, cancel; invalid values: not-acceptable)
 * - XEP-0060 §8.3 (default node configuration)
 * - XEP-0060 §8.4.1-§8.4.3 (delete, the <delete/> notification), §8.5 (purge, the <purge/> notification)
 * - XEP-0163 §5 (the owner is the only owner affiliate)
 */
import type { Element } from "ltx";
import { stanzaError } from "../../lib/errors";
import { el } from "../../lib/stanza";
import { configForm, DEFAULT_CONFIG, effectiveMaxItems, NodeConfig, parseConfigFields, withConfig } from "./config";
import type { PepContext, PepRequest } from "./context";
import { nodeNotFound } from "./errors";
import { findForm, readForm } from "./forms";
import { nodeOf } from "./names";
import type { Notifier } from "./notify";
import { FORM_NODE_CONFIG, NS_PUBSUB, NS_PUBSUB_OWNER } from "./ns";
import { newNode, ownerOnly } from "./publish";
import type { NodeDoc } from "./store";

/** The configuration a submitted node_config form asks for, or undefined for a cancel. */
function submittedConfig(ctx: PepContext, holder: Element | undefined): Partial<NodeConfig> | undefined {
  const x = findForm(holder);
  if (!x) return {};
  if (x.attrs.type === "cancel") return undefined;
  const form = readForm(x);
  if (form.formType !== undefined && form.formType !== FORM_NODE_CONFIG) throw stanzaError("bad-request", `Expected FORM_TYPE ${FORM_NODE_CONFIG}`);
  return parseConfigFields(form, ctx.limits);
}

/** Items a changed configuration no longer keeps are dropped now, not at the next publish. */
function fitItems(ctx: PepContext, doc: NodeDoc): void {
  if (!doc.config.persist_items) doc.items = [];
  else doc.items = doc.items.slice(-effectiveMaxItems(doc.config, ctx.limits));
}

export async function create(ctx: PepContext, req: PepRequest, createEl: Element, configureEl: Element | undefined): Promise<true> {
  ownerOnly(req, "create PEP nodes");
  const node = nodeOf(createEl, ctx.limits, "not-acceptable");
  const config = withConfig(DEFAULT_CONFIG, submittedConfig(ctx, configureEl) ?? {});
  await ctx.store.change(req.owner, async () => {
    if (await ctx.store.get(req.owner, node)) throw stanzaError("conflict", "The node exists");
    await ctx.store.put(req.owner, node, await newNode(ctx, req.owner, config));
  });
  return true;
}

export async function configureGet(ctx: PepContext, req: PepRequest, configureEl: Element): Promise<Element> {
  ownerOnly(req, "configure its PEP nodes");
  const node = nodeOf(configureEl, ctx.limits);
  const doc = await ctx.store.get(req.owner, node);
  if (!doc) throw nodeNotFound();
  return el("pubsub", { xmlns: NS_PUBSUB_OWNER }, el("configure", { node }, configForm(doc.config, FORM_NODE_CONFIG)));
}

export async function configureSet(ctx: PepContext, req: PepRequest, configureEl: Element): Promise<true> {
  ownerOnly(req, "configure its PEP nodes");
  const node = nodeOf(configureEl, ctx.limits);
  if (!findForm(configureEl)) throw stanzaError("bad-request", "A configuration form is required");
  const changes = submittedConfig(ctx, configureEl);
  await ctx.store.change(req.owner, async () => {
    const doc = await ctx.store.get(req.owner, node);
    if (!doc) throw nodeNotFound();
    if (!changes) return;
    doc.config = withConfig(doc.config, changes);
    fitItems(ctx, doc);
    await ctx.store.put(req.owner, node, doc);
  });
  return true;
}

export function defaultConfig(req: PepRequest): Element {
  ownerOnly(req, "read the default node configuration");
  return el("pubsub", { xmlns: NS_PUBSUB_OWNER }, el("default", {}, configForm(withConfig(DEFAULT_CONFIG, {}), FORM_NODE_CONFIG)));
}

export async function deleteNode(ctx: PepContext, notifier: Notifier, req: PepRequest, deleteEl: Element): Promise<true> {
  ownerOnly(req, "delete its PEP nodes");
  const node = nodeOf(deleteEl, ctx.limits);
  // Who hears of it is decided before the node (and its explicit subscribers) are gone.
  const { doc, recipients } = await ctx.store.change(req.owner, async () => {
    const d = await ctx.store.get(req.owner, node);
    if (!d) throw nodeNotFound();
    const to = d.config.notify_delete ? await notifier.recipients(req.owner, req.ownerJid.toString(), node, d) : [];
    await ctx.store.remove(req.owner, node);
    return { doc: d, recipients: to };
  });
  notifier.sendTo(req.ownerJid.toString(), recipients, doc, el("delete", { node }));
  return true;
}

export async function purge(ctx: PepContext, notifier: Notifier, req: PepRequest, purgeEl: Element): Promise<true> {
  ownerOnly(req, "purge its PEP nodes");
  const node = nodeOf(purgeEl, ctx.limits);
  const doc = await ctx.store.change(req.owner, async () => {
    const d = await ctx.store.get(req.owner, node);
    if (!d) throw nodeNotFound();
    d.items = [];
    await ctx.store.put(req.owner, node, d);
    return d;
  });
  if (doc.config.notify_retract) {
    notifier
      .broadcast(req.owner, req.ownerJid.toString(), node, doc, el("purge", { node }))
      .catch((err: unknown) => ctx.log.warn("PEP purge notifications not sent", { owner: req.owner, node, err: err as Error }));
  }
  return true;
}

/** XEP-0060 §5.7: the owner is owner of every node; nobody else has an affiliation. */
export async function affiliations(ctx: PepContext, req: PepRequest, affEl: Element): Promise<Element> {
  const only = affEl.attrs.node as string | undefined;
  const nodes = req.isOwner ? [...(await ctx.store.all(req.owner)).keys()].filter((n) => only === undefined || n === only) : [];
  return el("pubsub", { xmlns: NS_PUBSUB }, el("affiliations", {}, ...nodes.map((node) => el("affiliation", { node, affiliation: "owner" }))));
}
