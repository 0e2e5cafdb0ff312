/**
 * The blocklist stores of every host that loaded the blocking module, per server. Stanzas are
 * checked on the destination host, but the sender's list may live on another of our hosts.
 */
import type { Server } from "../../lib/server";
import type { BlocklistStore } from "./store";

// Keyed by server too: tests (and embedders) may run several servers in one process.
const byServer = new WeakMap<Server, Map<string, BlocklistStore>>();

export function registerStore(server: Server, host: string, store: BlocklistStore): () => void {
  let stores = byServer.get(server);
  if (!stores) byServer.set(server, (stores = new Map()));
  stores.set(host, store);
  return () => {
    if (stores.get(host) === store) stores.delete(host);
  };
}

export function storeFor(server: Server, host: string): BlocklistStore | undefined {
  return byServer.get(server)?.get(host);
}
