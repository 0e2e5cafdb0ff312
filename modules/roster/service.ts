/**
 * How other modules (presence) reach a host's rosters without depending on the roster module
 * being loaded: a host without it simply has empty rosters.
 */
import type { Host } from "../../lib/host";
import { hasFrom, hasTo, RosterDoc } from "./model";
import type { RosterStore } from "./store";

const stores = new WeakMap<Host, RosterStore>();

export function registerRosterStore(host: Host, store: RosterStore): () => void {
  stores.set(host, store);
  return () => {
    if (stores.get(host) === store) stores.delete(host);
  };
}

export function rosterStoreOf(host: Host): RosterStore | undefined {
  return stores.get(host);
}

/** Contacts subscribed to the user's presence ('from' or 'both'): who hears the user's broadcasts. */
export function subscribers(doc: RosterDoc | undefined): string[] {
  return doc ? [...doc.items].filter(([, i]) => hasFrom(i.subscription)).map(([jid]) => jid) : [];
}

/** Contacts whose presence the user is subscribed to ('to' or 'both'): who gets probed at login. */
export function subscriptions(doc: RosterDoc | undefined): string[] {
  return doc ? [...doc.items].filter(([, i]) => hasTo(i.subscription)).map(([jid]) => jid) : [];
}

export function isSubscriber(doc: RosterDoc | undefined, bareJid: string): boolean {
  const item = doc?.items.get(bareJid);
  return item !== undefined && hasFrom(item.subscription);
}
