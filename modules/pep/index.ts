/**
 * Personal Eventing Protocol: every account is a virtual pubsub service on its bare JID. The owner
 * publishes (nodes are created on first publish, configured by publish-options), retracts,
 * configures, deletes and purges; contacts read what the access model allows; notifications go to
 * the owner's and its subscribers' resources that asked for them in their entity capabilities.
 * Nodes persist in storage and go with the account.
 *
 * References:
 * - XEP-0163 (the PEP profile), XEP-0060 (the pubsub protocol it uses), XEP-0004 (data forms)
 * - XEP-0115 (caps, and "+notify" filtering, §5.4 hash verification before caching)
 * - XEP-0223 and XEP-0402 (private data: whitelist nodes set up by publish-options)
 * - XEP-0384 (OMEMO: device lists and bundles made open by publish-options), XEP-0084 (avatars),
 *   XEP-0172 (nicknames)
 */
import type { Element } from "ltx";
import { opt } from "../../lib/config/options";
import { StanzaError, stanzaError, StorageError } from "../../lib/errors";
import { Priority } from "../../lib/events";
import { defineModule } from "../../lib/module-host/define";
import type { IqEvent, IqHandler, IqHandlerResult, StanzaEvent } from "../../lib/router";
import type { SessionEvent } from "../../lib/sessions";
import { childElements } from "../../lib/stanza";
import { findChild, nsOf } from "../../lib/xml/element";
import { NS } from "../../lib/xml/ns";
import { CapsResolver } from "./caps";
import type { PepContext, PepLimits, PepRequest } from "./context";
import { accountItems, nodeInfo, nodeItems } from "./disco-nodes";
import { IqRequests } from "./iq-requests";
import { items } from "./items";
import { Notifier } from "./notify";
import { NS_PUBSUB, NS_PUBSUB_OWNER, PEP_FEATURES } from "./ns";
import { affiliations, configureGet, configureSet, create, defaultConfig, deleteNode, purge } from "./owner";
import { publish } from "./publish";
import { RecipientTable } from "./recipients";
import { retract } from "./retract";
import { NodeStore } from "./store";
import { subscribe, subscriptions, unsubscribe } from "./subscribe";
import { PresenceWatch } from "./watch";

/** Fixed bounds that need no tuning: what one peer can make the service hold or wait for. */
const MAX_NAME = 1024;
const MAX_TEXT = 1024;
const MAX_SUBSCRIBERS = 1000;
const MAX_TRACKED_PER_ACCOUNT = 2000;
const CAPS_CACHE_SIZE = 2000;
const MAX_PENDING_QUERIES = 1000;
const QUERY_TIMEOUT_MS = 20_000;

function request(ev: IqEvent): PepRequest {
  return { owner: ev.to.local, ownerJid: ev.to.bare, from: ev.from, isOwner: ev.from.bare.equals(ev.to.bare) };
}

/** The one action of a <pubsub/> request (its first child), in that namespace. */
function actionOf(payload: Element, ns: string): Element {
  const action = childElements(payload)[0];
  if (!action || nsOf(action) !== ns) throw stanzaError("bad-request", "A pubsub request names its action");
  return action;
}

/** Storage trouble is worth retrying; everything else keeps its own meaning. */
function guarded(handler: (ev: IqEvent) => Promise<IqHandlerResult>): IqHandler {
  return async (ev) => {
    try {
      return await handler(ev);
    } catch (err) {
      if (err instanceof StorageError) throw new StanzaError("wait", "internal-server-error", "PEP storage is unavailable");
      throw err;
    }
  };
}

export default defineModule({
  name: "pep",
  summary: "Personal Eventing Protocol: a pubsub service on every account (XEP-0163, XEP-0060 subset)",
  implements: [
    { spec: "XEP-0163", version: "1.2.2", status: "complete" },
    {
      spec: "XEP-0060",
      version: "1.26.0",
      status: "partial",
      note: "the PEP subset: publish (+options), retract, items, subscribe, create, configure, delete, purge; no affiliation management, collections or subscription options",
    },
    { spec: "XEP-0223", version: "1.1.1", status: "complete" },
  ],
  scope: "host",
  requires: ["presence"],
  options: {
    pep_max_nodes: opt.integer(256, "Most PEP nodes one account may have; creating more is refused with not-allowed.", { min: 1 }),
    pep_max_items: opt.integer(256, 'Most items one PEP node may keep (what max_items "max" means).', { min: 1, max: 100_000 }),
    pep_max_item_size: opt.integer(131072, "Largest PEP item payload (bytes of XML); larger ones are refused with payload-too-big.", { min: 1024 }),
    pep_max_node_size: opt.integer(1048576, "Most bytes of items one PEP node may keep; a publish beyond that is refused with policy-violation.", { min: 1024 }),
  },
  setup(mod) {
    const host = mod.host!;
    const o = mod.options;
    const limits: PepLimits = {
      maxNodes: o.pep_max_nodes,
      maxItems: o.pep_max_items,
      maxItemSize: o.pep_max_item_size,
      maxNodeSize: Math.max(o.pep_max_node_size, o.pep_max_item_size),
      maxSubscribers: MAX_SUBSCRIBERS,
      maxName: MAX_NAME,
      maxText: MAX_TEXT,
    };
    const store = new NodeStore(mod.storage.map("pep"), limits);
    const ctx: PepContext = { host, store, limits, log: mod.log, send: (s) => mod.send(s) };
    const table = new RecipientTable(MAX_TRACKED_PER_ACCOUNT);
    const notifier = new Notifier(ctx, table);
    const requests = new IqRequests((s) => mod.send(s), { maxPending: MAX_PENDING_QUERIES, timeoutMs: QUERY_TIMEOUT_MS });
    const watch = new PresenceWatch(ctx, table, new CapsResolver(requests, CAPS_CACHE_SIZE, mod.log), notifier);
    mod.onUnload(() => requests.cancelAll());

    mod.disco.addAccountIdentity("pubsub", "pep");
    for (const f of PEP_FEATURES) mod.disco.addAccountFeature(f);

    const kinds = ["self", "bare"] as const;
    mod.iq.set(kinds, NS_PUBSUB, "pubsub", guarded(async (ev) => {
      const req = request(ev);
      const action = actionOf(ev.payload, NS_PUBSUB);
      switch (action.name) {
        case "publish":
          return publish(ctx, notifier, req, action, findChild(ev.payload, "publish-options", NS_PUBSUB));
        case "retract":
          return retract(ctx, notifier, req, action);
        case "create":
          return create(ctx, req, action, findChild(ev.payload, "configure", NS_PUBSUB));
        case "subscribe":
          return subscribe(ctx, notifier, req, action);
        case "unsubscribe":
          return unsubscribe(ctx, req, action);
        default:
          throw stanzaError("feature-not-implemented", `<${action.name}/> is not supported`);
      }
    }));
    mod.iq.get(kinds, NS_PUBSUB, "pubsub", guarded(async (ev) => {
      const req = request(ev);
      const action = actionOf(ev.payload, NS_PUBSUB);
      switch (action.name) {
        case "items":
          return items(ctx, req, action);
        case "subscriptions":
          return subscriptions(ctx, req, action);
        case "affiliations":
          return affiliations(ctx, req, action);
        default:
          throw stanzaError("feature-not-implemented", `<${action.name}/> is not supported`);
      }
    }));
    mod.iq.get(kinds, NS_PUBSUB_OWNER, "pubsub", guarded(async (ev) => {
      const req = request(ev);
      const action = actionOf(ev.payload, NS_PUBSUB_OWNER);
      if (action.name === "configure") return configureGet(ctx, req, action);
      if (action.name === "default") return defaultConfig(req);
      throw stanzaError("feature-not-implemented", `<${action.name}/> is not supported`);
    }));
    mod.iq.set(kinds, NS_PUBSUB_OWNER, "pubsub", guarded(async (ev) => {
      const req = request(ev);
      const action = actionOf(ev.payload, NS_PUBSUB_OWNER);
      if (action.name === "configure") return configureSet(ctx, req, action);
      if (action.name === "delete") return deleteNode(ctx, notifier, req, action);
      if (action.name === "purge") return purge(ctx, notifier, req, action);
      throw stanzaError("feature-not-implemented", `<${action.name}/> is not supported`);
    }));

    // Ahead of the disco module, which answers the account itself without nodes.
    mod.iq.get(kinds, NS.DISCO_INFO, "query", guarded(async (ev) => {
      const node = ev.payload.attrs.node as string | undefined;
      return node === undefined ? undefined : nodeInfo(ctx, request(ev), node);
    }), Priority.HIGH);
    mod.iq.get(kinds, NS.DISCO_ITEMS, "query", guarded(async (ev) => {
      const node = ev.payload.attrs.node as string | undefined;
      return node === undefined ? accountItems(ctx, request(ev)) : nodeItems(ctx, request(ev), node);
    }), Priority.HIGH);

    // Answers to our caps queries come to the account's bare JID (from its own resources: "self").
    const answers = (ev: StanzaEvent) => (requests.take(ev.stanza) ? true : undefined);
    mod.hook("iq/bare", answers, Priority.HIGH);
    mod.hook("iq/self", answers, Priority.HIGH);

    // Observed before delivery (and after the blocking filter), never consumed.
    const presence = (ev: StanzaEvent): undefined => {
      const type = ev.stanza.attrs.type as string | undefined;
      if (type !== undefined && type !== "unavailable") return undefined;
      const own = ev.from.bare.equals(ev.to.bare);
      // The owner's resources count through their broadcasts, not through presence they direct.
      if (own && (ev.stanza.attrs.to !== undefined || ev.origin?.kind !== "c2s")) return undefined;
      if (type === "unavailable") watch.unavailable(ev.to.local, ev.from);
      else if (ev.from.resource) watch.available(ev.to.local, ev.to.bare, ev.from, ev.stanza, own);
      return undefined;
    };
    mod.hook("presence/bare", presence, 10);
    mod.hook("presence/full", presence, 10);
    mod.hook<SessionEvent>("resource-unbind", ({ session }) => {
      if (session.jid) watch.unavailable(session.jid.local, session.jid);
    });
    mod.hook<{ user: string }>("user-deleted", ({ user }) => table.dropOwner(user));
  },
});
