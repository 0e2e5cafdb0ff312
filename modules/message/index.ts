/**
 * Message delivery to local accounts.
 *
 * References:
 * - RFC 6121 §8.5.2 (bare JID: no such account / available resources / none available)
 * - RFC 6121 §8.5.3 (full JID: that resource, else the bare-JID rules for chat and normal)
 */
import { defineModule } from "../../lib/module-host/define";
import { stanzaError } from "../../lib/errors";
import type { StanzaEvent } from "../../lib/router";
import { availableResources, preferredResources } from "../presence/state";

export interface OfflineEvent extends StanzaEvent {
  /** Set by a handler that stored the message. */
  stored?: boolean;
}

export default defineModule({
  name: "message",
  summary: "Message delivery rules for bare and full JIDs of local accounts",
  implements: [{ spec: "RFC 6121 §8.5", status: "complete" }],
  scope: "host",
  requires: ["presence"],
  setup(mod) {
    const host = mod.host!;
    const server = mod.server;
    const sessions = server.sessions;

    const toBare = async (ev: StanzaEvent): Promise<boolean> => {
      const { stanza, to } = ev;
      const type = (stanza.attrs.type as string | undefined) ?? "normal";
      if (type === "error") {
        // Errors go nowhere else, but never bounce.
        return true;
      }
      if (type === "groupchat") {
        server.router.replyError(ev.origin, stanza, stanzaError("service-unavailable"));
        return true;
      }
      // Available resources prove the account exists; only without them is storage asked.
      const targets = type === "headline" ? availableResources(sessions, host.name, to.local) : preferredResources(sessions, host.name, to.local);
      if (targets.length > 0) {
        for (const s of targets) s.send(stanza);
        return true;
      }
      if (!(await server.accounts.exists(host.name, to.local))) {
        if (type === "chat" || type === "normal") server.router.replyError(ev.origin, stanza, stanzaError("service-unavailable"));
        return true;
      }
      if (type === "headline") return true;
      // Nobody available: offline storage gets its chance (the offline module), else an error.
      const offline: OfflineEvent = { ...ev };
      await host.events.fire("message/offline/handle", offline);
      if (!offline.stored) server.router.replyError(ev.origin, stanza, stanzaError("service-unavailable"));
      return true;
    };

    mod.hook<StanzaEvent>("message/bare", (ev) => toBare(ev), -1);

    mod.hook<StanzaEvent>("message/full", (ev) => {
      const target = sessions.get(ev.to);
      if (target && !target.closed) {
        target.send(ev.stanza);
        return true;
      }
      const type = (ev.stanza.attrs.type as string | undefined) ?? "normal";
      if (type === "chat" || type === "normal") return toBare(ev);
      if (type === "groupchat") server.router.replyError(ev.origin, ev.stanza, stanzaError("service-unavailable"));
      return true;
    }, -1);
  },
});
