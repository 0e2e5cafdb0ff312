/**
 * Last activity: the server's uptime, and when an account last logged out (with the status of its
 * last unavailable presence). A resource's idle time is its client's business (full-JID IQs are
 * delivered to the client by the iq module).
 *
 * References:
 * - XEP-0012 §3 (bare JID: seconds since the last logout, 0 while a resource is available; only for
 *   those allowed to see the user's presence, else forbidden), §4 (full JID: the client answers)
 * - XEP-0012 §5 (domain: uptime), §6 (disco feature), §8 (security: no availability leaks)
 */
import { defineModule } from "../../lib/module-host/define";
import { stanzaError } from "../../lib/errors";
import type { StanzaEvent } from "../../lib/router";
import type { SessionEvent } from "../../lib/sessions";
import { el, getText } from "../../lib/stanza";
import type { Session } from "../../lib/stream/session";
import { NS } from "../../lib/xml/ns";
import { isSubscriber, rosterStoreOf } from "../roster/service";
import { availableResources } from "../presence/state";

type LastLogout = {
  /** Milliseconds since the epoch. */
  at: number;
  status: string;
};

const STATUS_KEY = "last:status";

const seconds = (ms: number) => Math.max(0, Math.floor(ms / 1000));

export default defineModule({
  name: "last",
  summary: "Last activity (XEP-0012): server uptime and accounts' last logout",
  implements: [
    {
      spec: "XEP-0012",
      version: "2.0",
      status: "partial",
      note: "idle time of a resource is left to clients",
    },
  ],
  scope: "host",
  requires: ["presence"],
  setup(mod) {
    const host = mod.host!;
    const server = mod.server;
    const store = mod.storage.keyval<LastLogout>();
    // Counted from when this host's modules were set up, i.e. server start-up (or a module reload).
    const started = Date.now();

    mod.disco.addFeature(NS.LAST);
    mod.disco.addAccountFeature(NS.LAST);

    mod.iq.get("host", NS.LAST, "query", () => el("query", { xmlns: NS.LAST, seconds: seconds(Date.now() - started) }));

    /** 0 while a resource is available, else the time since the last logout and its status. */
    const lastActivity = async (local: string) => {
      if (availableResources(server.sessions, host.name, local).length > 0) return el("query", { xmlns: NS.LAST, seconds: 0 });
      const last = await store.get(local);
      if (!last) throw stanzaError("item-not-found", "No logout recorded yet");
      return el("query", { xmlns: NS.LAST, seconds: seconds(Date.now() - last.at) }, last.status || undefined);
    };

    mod.iq.get("self", NS.LAST, "query", ({ to }) => lastActivity(to.local));

    // XEP-0012 §3: only entities allowed to see the user's presence (subscribed: 'from' or 'both')
    // get an answer; everyone else, and accounts that do not exist, get the same forbidden.
    mod.iq.get("bare", NS.LAST, "query", async ({ to, from }) => {
      const roster = await rosterStoreOf(host)?.read(to.local);
      if (!isSubscriber(roster, from.bare.toString())) {
        throw stanzaError("forbidden", "Last activity is shown only to those allowed to see the user's presence");
      }
      return lastActivity(to.local);
    });

    // The status of the unavailable presence a resource leaves with (no 'to': its own broadcast).
    mod.hook<StanzaEvent>("presence/bare", ({ origin, stanza }) => {
      if (origin?.kind !== "c2s" || stanza.attrs.to !== undefined || stanza.attrs.type !== "unavailable") return undefined;
      origin.data.set(STATUS_KEY, getText(stanza.getChild("status")).trim());
      return undefined;
    }, 10);

    const recordLogout = async (session: Session) => {
      const jid = session.jid;
      if (!jid || server.sessions.resources(host.name, jid.local).length > 0) return;
      // Sessions of a removed account close after its data is gone; writing now would resurrect it.
      if (!(await server.accounts.exists(host.name, jid.local))) return;
      const status = (session.data.get(STATUS_KEY) as string | undefined) ?? "";
      await store.set(jid.local, { at: Date.now(), status });
    };

    // After the presence module's own unbind handling, and never stopping the chain.
    mod.hook<SessionEvent>("resource-unbind", ({ session }) =>
      recordLogout(session).then(
        () => undefined,
        (err: unknown) => {
          mod.log.error("recording the last logout failed", { err: err as Error });
          return undefined;
        },
      ), -10);
  },
});
