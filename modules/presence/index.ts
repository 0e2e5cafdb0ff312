/**
 * Presence: an account's broadcasts to its own resources and to its subscribers, probes at login
 * and their answers, directed presence, delivery of presence to local accounts, and unavailable
 * for resources that log out or drop. Subscriptions themselves are the roster module's; without it
 * loaded, rosters are empty and presence stays between an account's own resources.
 *
 * References:
 * - RFC 6121 §4 (exchanging presence information)
 * - RFC 6121 §8.5 (server rules for presence to local accounts)
 */
import { defineModule } from "../../lib/module-host/define";
import type { StanzaEvent } from "../../lib/router";
import type { SessionEvent } from "../../lib/sessions";
import { NS } from "../../lib/xml/ns";
import { broadcastOwn, PresenceContext, vanished } from "./broadcast";
import { trackDirected } from "./directed";
import { answerProbe, deliver, hostPresence } from "./inbound";

export type { PresenceAvailableEvent } from "./broadcast";

export default defineModule({
  name: "presence",
  summary: "Presence broadcast to resources and subscribers, probes, directed presence, unavailable on logout",
  implements: [{ spec: "RFC 6121 §4", status: "complete" }],
  scope: "host",
  streams: ["c2s"],
  setup(mod) {
    const ctx: PresenceContext = { host: mod.host!, server: mod.server, send: (s) => mod.send(s), log: mod.log };

    mod.hookElement(["c2s"], NS.CLIENT, "presence", (ev) => trackDirected(ctx, ev));

    /** Presence without 'to' from a client: the account's own broadcast. */
    mod.hook<StanzaEvent>("presence/bare", (ev) => {
      const { origin, stanza } = ev;
      if (stanza.attrs.to !== undefined || origin?.kind !== "c2s" || !origin.jid) return undefined;
      const type = stanza.attrs.type as string | undefined;
      if (type !== undefined && type !== "unavailable") return true; // probes and subscriptions need a 'to'
      return broadcastOwn(ctx, origin, stanza).then(
        () => true,
        (err: unknown) => {
          mod.log.error("presence broadcast failed", { session: origin.id, err: err as Error });
          return true;
        },
      );
    });

    const probe = async (ev: StanzaEvent) => {
      if (ev.stanza.attrs.type !== "probe") return undefined;
      try {
        await answerProbe(ctx, ev);
      } catch (err) {
        mod.log.warn("presence probe not answered", { from: ev.stanza.attrs.from, to: ev.stanza.attrs.to, err: err as Error });
      }
      return true;
    };
    mod.hook("presence/bare", probe);
    mod.hook("presence/full", probe);
    mod.hook<StanzaEvent>("presence/bare", (ev) => deliver(ctx, ev), -1);
    mod.hook<StanzaEvent>("presence/full", (ev) => deliver(ctx, ev), -1);
    mod.hook<StanzaEvent>("presence/host", (ev) => hostPresence(ctx, ev), -1);

    mod.hook<SessionEvent>("resource-unbind", ({ session }) =>
      vanished(ctx, session).catch((err: unknown) => mod.log.warn("unavailable presence not broadcast", { session: session.id, err: err as Error })),
    );
  },
});
