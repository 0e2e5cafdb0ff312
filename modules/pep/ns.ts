/**
 * Namespaces and the service discovery features of the PEP service.
 *
 * References:
 * - XEP-0060 §16 (namespaces), §10 (features: auto-create, auto-subscribe, filtered-notifications,
 *   last-published), the feature registry of §16.2.4
 * - XEP-0163 §6.1 (the account advertises pubsub/pep and the XEP-0060 features it supports)
 */
export const NS_PUBSUB = "http://jabber.org/protocol/pubsub";
export const NS_PUBSUB_OWNER = "http://jabber.org/protocol/pubsub#owner";
export const NS_PUBSUB_EVENT = "http://jabber.org/protocol/pubsub#event";
export const NS_PUBSUB_ERRORS = "http://jabber.org/protocol/pubsub#errors";
export const NS_XDATA = "jabber:x:data";

export const FORM_NODE_CONFIG = "http://jabber.org/protocol/pubsub#node_config";
export const FORM_PUBLISH_OPTIONS = "http://jabber.org/protocol/pubsub#publish-options";
export const FORM_META_DATA = "http://jabber.org/protocol/pubsub#meta-data";

/** Only what this module implements; each one is exercised by spec-tests/xep-0163. */
export const PEP_FEATURES = [
  NS_PUBSUB,
  "access-open",
  "access-presence",
  "access-roster",
  "access-whitelist",
  "auto-create",
  "auto-subscribe",
  "config-node",
  "config-node-max",
  "create-and-configure",
  "create-nodes",
  "delete-items",
  "delete-nodes",
  "filtered-notifications",
  "item-ids",
  "last-published",
  "multi-items",
  "persistent-items",
  "publish",
  "publish-options",
  "purge-nodes",
  "retract-items",
  "retrieve-affiliations",
  "retrieve-default",
  "retrieve-items",
  "retrieve-subscriptions",
  "subscribe",
].map((f) => (f.startsWith("http") ? f : `${NS_PUBSUB}#${f}`));
