/**
 * Offline message storage: messages for an account with no available resource are stored and
 * delivered, stamped with <delay/>, when the account next becomes available.
 *
 * Decisions:
 * - Accepted means committed: `stored` is set only after the row is in storage, so the message
 *   module answers service-unavailable for anything not durably kept (storage failure included,
 *   reliability.md §6 D6).
 * - A full queue (offline_max_messages) leaves the message unstored, so the sender gets
 *   service-unavailable, as XEP-0160 §2 step 3 says; nothing older is evicted.
 * - Delivery runs on every available presence with non-negative priority, not only the initial
 *   one: a resource that came online with a negative priority (and so received nothing) gets its
 *   queue when it raises the priority. The queue is normally empty then, so this costs one
 *   indexed read.
 * - Messages not stored (error, groupchat, headline, standalone chat states, <no-store/>) get
 *   the message module's service-unavailable, which RFC 6121 §8.5.2.2.1 asks for when a
 *   chat or normal message is not stored.
 *
 * References:
 * - XEP-0160 §2 (flow), §3 (message types), §4 (disco feature "msgoffline")
 * - XEP-0203 §2 (delay), XEP-0334 §4 (storage hints), XEP-0085 (standalone chat states)
 * - RFC 6121 §8.5.2.2.1 (no available resource: store offline or answer service-unavailable)
 */
import { opt } from "../../lib/config/options";
import { defineModule } from "../../lib/module-host/define";
import type { SessionEvent } from "../../lib/sessions";
import type { Session } from "../../lib/stream/session";
import { NS } from "../../lib/xml/ns";
import type { OfflineEvent } from "../message";
import { preferredResources, presenceState } from "../presence/state";
import type { StoredMessage } from "./codec";
import { offlineDecision } from "./policy";
import { OfflineQueue } from "./queue";

export default defineModule({
  name: "offline",
  summary: "Stores messages for unavailable accounts and delivers them with a delay stamp at the next available presence",
  implements: [
    { spec: "XEP-0160", version: "1.0.1", status: "complete" },
    { spec: "XEP-0203", version: "2.0", status: "complete", note: "stamps offline messages" },
    { spec: "XEP-0334", version: "1.0.0", status: "partial", note: "store and no-store decide offline storage" },
  ],
  scope: "host",
  requires: ["presence", "message"],
  options: {
    offline_max_messages: opt.integer(1000, "Most offline messages kept per account; beyond it senders get service-unavailable (XEP-0160).", { min: 1 }),
  },
  async setup(mod) {
    const host = mod.host!;
    const sessions = mod.server.sessions;
    const archive = mod.storage.archive<StoredMessage>("offline");
    const queue = new OfflineQueue(archive, { host: host.name, maxMessages: mod.options.offline_max_messages, log: mod.log });

    /** Never rejects: a failed delivery leaves the messages stored for the next attempt. */
    const deliverTo = async (session: Session): Promise<void> => {
      const user = session.jid?.local;
      if (user === undefined) return;
      await queue.deliver(user, session).then(
        (n) => {
          if (n > 0) mod.log.debug("delivered offline messages", { user, session: session.id, count: n });
        },
        (err: unknown) => mod.log.error("offline delivery failed; the messages stay stored", { user, session: session.id, err: err as Error }),
      );
    };

    mod.hook<OfflineEvent>("message/offline/handle", async (ev) => {
      if (ev.stored) return true;
      const decision = offlineDecision(ev.stanza);
      if (!decision.store) {
        mod.log.debug("not storing an offline message", { to: ev.to.toString(), reason: decision.reason });
        return undefined;
      }
      const user = ev.to.local;
      try {
        if ((await queue.store(user, ev.stanza, ev.from.bare.toString())) === "full") {
          mod.log.info("offline queue full; refusing the message", { user, max: mod.options.offline_max_messages });
          return undefined;
        }
      } catch (err) {
        mod.log.error("storing an offline message failed", { user, err: err as Error });
        return undefined;
      }
      ev.stored = true;
      // A resource may have become available while the message was on its way to storage.
      const [online] = preferredResources(sessions, host.name, user);
      if (online) void deliverTo(online);
      return true;
    });

    // Returning the delivery lets the presence module hold the session's next stanza until the
    // stored messages are on their way, so they arrive before replies to what the client does next.
    mod.hook<SessionEvent>("presence-available", async ({ session }) => {
      if (presenceState(session).priority >= 0) await deliverTo(session);
    });

    try {
      await archive.count("");
      mod.disco.addFeature(NS.OFFLINE);
    } catch (err) {
      // XEP-0160 §4: advertise the feature only when storage really works.
      mod.log.error("offline storage is not usable; not advertising msgoffline", { err: err as Error });
    }
  },
});
