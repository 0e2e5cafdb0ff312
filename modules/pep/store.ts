/**
 * An account's PEP nodes in storage: one map entry per node (map store "pep", key = node name)
 * holding its configuration, its items (oldest first, payloads as XML text) and its explicit
 * subscribers. Changes to one account's nodes run one at a time, so two publishes cannot lose each
 * other's item between a read and a write. Account deletion removes the rows with the account
 * (StorageDriver.deleteUser).
 */
import type { Element } from "ltx";
import type { Json, MapStore } from "../../lib/storage/types";
import { KeyedSerial } from "../offline/serial";
import { loadElement, storeElement } from "../vcard/stored-xml";
import { ConfigLimits, configFromJson, NodeConfig } from "./config";

export interface StoredItem {
  id: string;
  /** The payload element as XML text. */
  xml: string;
  /** When it was published (ms since the epoch). */
  at: number;
}

export interface NodeDoc {
  config: NodeConfig;
  items: StoredItem[];
  /** JIDs (bare or full) subscribed explicitly (XEP-0060 §6.1), besides presence-based interest. */
  subscribers: string[];
}

export function itemPayload(item: StoredItem): Element {
  return loadElement(item.xml);
}

export function storePayload(payload: Element): string {
  return storeElement(payload);
}

export function lastItem(doc: NodeDoc): StoredItem | undefined {
  return doc.items[doc.items.length - 1];
}

function docToJson(doc: NodeDoc): Json {
  return {
    config: doc.config as unknown as Json,
    items: doc.items.map((i) => ({ id: i.id, xml: i.xml, at: i.at })),
    subscribers: doc.subscribers,
  };
}

function docFromJson(json: Json | undefined, limits: ConfigLimits): NodeDoc | undefined {
  if (!json || typeof json !== "object" || Array.isArray(json)) return undefined;
  const items: StoredItem[] = [];
  for (const raw of Array.isArray(json.items) ? json.items : []) {
    if (raw && typeof raw === "object" && !Array.isArray(raw) && typeof raw.id === "string" && typeof raw.xml === "string") {
      items.push({ id: raw.id, xml: raw.xml, at: typeof raw.at === "number" ? raw.at : 0 });
    }
  }
  const subscribers = Array.isArray(json.subscribers) ? json.subscribers.filter((s): s is string => typeof s === "string") : [];
  return { config: configFromJson(json.config, limits), items, subscribers };
}

export class NodeStore {
  private readonly serial = new KeyedSerial();

  constructor(
    private readonly map: MapStore<Json>,
    private readonly limits: ConfigLimits,
  ) {}

  async get(user: string, node: string): Promise<NodeDoc | undefined> {
    return docFromJson(await this.map.get(user, node), this.limits);
  }

  async all(user: string): Promise<Map<string, NodeDoc>> {
    const out = new Map<string, NodeDoc>();
    for (const [node, json] of await this.map.getAll(user)) {
      const doc = docFromJson(json, this.limits);
      if (doc) out.set(node, doc);
    }
    return out;
  }

  async count(user: string): Promise<number> {
    return this.map.count(user);
  }

  /** Runs `fn` in turn with the account's other changes; what it writes goes through put/remove. */
  change<T>(user: string, fn: () => Promise<T>): Promise<T> {
    return this.serial.run(user, fn);
  }

  async put(user: string, node: string, doc: NodeDoc): Promise<void> {
    await this.map.set(user, node, docToJson(doc));
  }

  async remove(user: string, node: string): Promise<void> {
    await this.map.set(user, node, undefined);
  }
}
