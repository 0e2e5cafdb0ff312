/**
 * Rosters and presence subscriptions: the roster IQs with versioning and pre-approval, the
 * subscription state machine for local clients' outgoing requests and for everyone's incoming
 * ones, and subscription requests kept for accounts that are offline.
 *
 * References:
 * - RFC 6121 §2 (roster management), §3 (managing presence subscriptions), Appendix A
 * - RFC 6121 §3.4 (pre-approval, advertised as <sub xmlns='urn:xmpp:features:pre-approval'/>)
 * - XEP-0237 (roster versioning, advertised as <ver xmlns='urn:xmpp:features:rosterver'/>)
 */
import type { Element } from "ltx";
import { opt } from "../../lib/config/options";
import { StanzaError, stanzaError, StorageError } from "../../lib/errors";
import { tryParseJid } from "../../lib/jid";
import { defineModule } from "../../lib/module-host/define";
import { iqEventName, IqEvent, StanzaEvent } from "../../lib/router";
import { el } from "../../lib/stanza";
import type { Session } from "../../lib/stream/session";
import type { ElementEvent } from "../../lib/stream/types";
import { NS } from "../../lib/xml/ns";
import type { PresenceAvailableEvent } from "../presence";
import { refuseRoutedRosterIq } from "./guard";
import { rosterGet, rosterSet } from "./iq";
import { registerRosterStore } from "./service";
import { SUBSCRIPTION_TYPES, SubscriptionType } from "./state-machine";
import { RosterStore } from "./store";
import { deliverPending, handleInbound, handleOutbound, resendPendingOut, SubscriptionContext } from "./subscriptions";

const PRE_APPROVAL = "urn:xmpp:features:pre-approval";

/** What a failure becomes for the client: storage trouble is worth retrying, anything else is our bug. */
function asStanzaError(err: unknown): StanzaError | undefined {
  if (err instanceof StanzaError) return err;
  if (err instanceof StorageError) return new StanzaError("wait", "internal-server-error", "Roster storage is unavailable");
  return undefined;
}

export default defineModule({
  name: "roster",
  summary: "Rosters (RFC 6121 §2, XEP-0237 versioning) and presence subscriptions (RFC 6121 §3, Appendix A)",
  implements: [
    { spec: "RFC 6121 §2", status: "complete" },
    { spec: "RFC 6121 §3", status: "complete", note: "with pre-approval (§3.4)" },
    { spec: "XEP-0237", version: "1.3", status: "complete" },
  ],
  scope: "host",
  streams: ["c2s"],
  options: {
    roster_max_items: opt.integer(1000, "Most items one roster may hold; adding more is refused with not-allowed.", { min: 1 }),
    roster_max_pending_requests: opt.integer(200, "Most unanswered subscription requests kept for one account; further requests are dropped.", { min: 1 }),
    roster_max_text_length: opt.integer(1024, "Longest roster item name or group name, in characters (longer ones get not-acceptable).", { min: 1 }),
    roster_max_groups: opt.integer(64, "Most groups one roster item may be in.", { min: 1 }),
  },
  setup(mod) {
    const host = mod.host!;
    const server = mod.server;
    const store = new RosterStore(mod.storage.keyval("roster"));
    mod.onUnload(registerRosterStore(host, store));
    const o = mod.options;
    const limits = {
      maxItems: o.roster_max_items,
      maxPending: o.roster_max_pending_requests,
      maxPendingSize: 8192,
      maxTextLength: o.roster_max_text_length,
      maxGroups: o.roster_max_groups,
    };
    const ctx: SubscriptionContext & { limits: typeof limits } = { host, server, store, limits, send: (s) => mod.send(s), log: mod.log };

    const failed = (origin: Session | undefined, stanza: Element, err: unknown) => {
      const e = asStanzaError(err);
      if (!e) mod.log.error("roster operation failed", { err: err as Error });
      server.router.replyError(origin, stanza, e ?? stanzaError("internal-server-error"));
    };

    const rosterIq = (type: "get" | "set", handler: (ev: IqEvent) => Promise<void>) => {
      mod.hook<IqEvent>(iqEventName(type, "self", NS.ROSTER, "query"), async (ev) => {
        try {
          await handler(ev);
        } catch (err) {
          failed(ev.origin, ev.stanza, err);
        }
        return true;
      });
    };
    rosterIq("get", (ev) => rosterGet(ctx, ev));
    rosterIq("set", (ev) => rosterSet(ctx, ev));
    // RFC 6121 §2.3.3: nobody else may read or write an account's roster.
    const forbidden = () => {
      throw stanzaError("forbidden", "Only the account itself may use its roster");
    };
    mod.iq.get("bare", NS.ROSTER, "query", forbidden);
    mod.iq.set("bare", NS.ROSTER, "query", forbidden);
    mod.hook<StanzaEvent>("iq/full", refuseRoutedRosterIq(server.router), 10);

    mod.streamFeatures.offer(["c2s"], (session) => (session.username === undefined ? undefined : el("ver", { xmlns: NS.ROSTER_VER })), 100);
    mod.streamFeatures.offer(["c2s"], (session) => (session.username === undefined ? undefined : el("sub", { xmlns: PRE_APPROVAL })), 99);

    // Outbound: seen as the stanza leaves the client's stream, on the client's own host, whatever
    // the destination (the router's pre-events fire only for local destinations).
    mod.hookElement(["c2s"], NS.CLIENT, "presence", async ({ session, element }: ElementEvent) => {
      const type = element.attrs.type as string | undefined;
      if (!session.jid || type === undefined || !SUBSCRIPTION_TYPES.has(type)) return undefined;
      const to = tryParseJid(element.attrs.to as string | undefined);
      if (!to) return undefined; // the router answers a bad or missing 'to'
      try {
        await handleOutbound(ctx, session, element, type as SubscriptionType, to.bare);
      } catch (err) {
        failed(session, element, err);
      }
      return true;
    });

    const inboundHandler = async (ev: StanzaEvent) => {
      const type = ev.stanza.attrs.type as string | undefined;
      if (type === undefined || !SUBSCRIPTION_TYPES.has(type)) return undefined;
      try {
        await handleInbound(ctx, ev, type as SubscriptionType);
      } catch (err) {
        mod.log.warn("inbound subscription stanza not processed", { type, from: ev.stanza.attrs.from, to: ev.stanza.attrs.to, err: err as Error });
      }
      return true;
    };
    mod.hook("presence/bare", inboundHandler);
    mod.hook("presence/full", inboundHandler);

    mod.hook<PresenceAvailableEvent>("presence-available", async ({ session, initial }) => {
      if (!initial) return;
      try {
        await deliverPending(ctx, session);
        await resendPendingOut(ctx, session);
      } catch (err) {
        mod.log.warn("pending subscription requests not delivered", { session: session.id, err: err as Error });
      }
    });

    mod.hook<{ host: string; user: string }>("user-deleted", ({ user }) => {
      store.forget(user);
    });
  },
});
