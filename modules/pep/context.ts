/** What the PEP service's parts share: the host, storage, limits, and how stanzas leave. */
import type { Element } from "ltx";
import type { Host } from "../../lib/host";
import type { JID } from "../../lib/jid";
import type { Logger } from "../../lib/log";
import type { ConfigLimits } from "./config";
import type { NodeStore } from "./store";

export interface PepLimits extends ConfigLimits {
  maxNodes: number;
  /** Bytes of one item's payload, as stored. */
  maxItemSize: number;
  /** Bytes of all of one node's items together. */
  maxNodeSize: number;
  maxSubscribers: number;
  /** Longest node name or item id, in characters. */
  maxName: number;
}

export interface PepContext {
  host: Host;
  store: NodeStore;
  limits: PepLimits;
  log: Logger;
  /** Posts a server-generated stanza through the router. */
  send(stanza: Element): void;
}

/** One pubsub request: to an account's bare JID, from anyone. */
export interface PepRequest {
  /** The owner's localpart (the store's user key). */
  owner: string;
  ownerJid: JID;
  from: JID;
  isOwner: boolean;
}
