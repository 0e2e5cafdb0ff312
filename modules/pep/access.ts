/**
 * Who may see a node's items (and so receive its notifications, subscribe to it, discover it).
 * The owner always may; everyone else by the node's access model, read against the owner's roster.
 *
 * References:
 * - XEP-0060 §4.5 (access models open, presence, roster, whitelist)
 * - XEP-0060 §6.1.3.2-§6.1.3.4 and §6.5.9.x (the errors: presence-subscription-required,
 *   not-in-roster-group, closed-node)
 * - XEP-0163 §4 (presence: contacts with a subscription 'from' or 'both'); RFC 6121 §3 (states)
 */
import type { StanzaError } from "../../lib/errors";
import type { Host } from "../../lib/host";
import type { RosterDoc } from "../roster/model";
import { isSubscriber, rosterStoreOf } from "../roster/service";
import type { NodeConfig } from "./config";
import { pubsubError } from "./errors";

/** The owner's roster, read once per request when an access model needs it. */
export class RosterView {
  private doc: Promise<RosterDoc | undefined> | undefined;

  constructor(
    private readonly host: Host,
    readonly owner: string,
  ) {}

  read(): Promise<RosterDoc | undefined> {
    this.doc ??= rosterStoreOf(this.host)?.read(this.owner) ?? Promise.resolve(undefined);
    return this.doc;
  }
}

/** undefined when `requester` (a bare JID, not the owner) may read the node; else the error to answer. */
export async function accessDenied(config: NodeConfig, requester: string, roster: RosterView): Promise<StanzaError | undefined> {
  switch (config.access_model) {
    case "open":
      return undefined;
    case "presence":
      return isSubscriber(await roster.read(), requester) ? undefined : pubsubError("not-authorized", "presence-subscription-required");
    case "roster": {
      const item = (await roster.read())?.items.get(requester);
      const allowed = item?.groups.some((g) => config.roster_groups_allowed.includes(g)) ?? false;
      return allowed ? undefined : pubsubError("not-authorized", "not-in-roster-group");
    }
    case "whitelist":
      // Only the owner is on the whitelist: the service offers no affiliation management.
      return pubsubError("not-allowed", "closed-node");
  }
}

export async function mayRead(config: NodeConfig, requester: string, roster: RosterView): Promise<boolean> {
  return (await accessDenied(config, requester, roster)) === undefined;
}
