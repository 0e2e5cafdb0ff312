/**
 * Presence between local resources: broadcast of the user's own presence to their resources,
 * directed presence, unavailable on logout. Subscriptions and roster broadcast come with the
 * roster module.
 *
 * References:
 * - RFC 6121 §4.2 (initial presence), §4.4 (presence broadcast), §4.5 (unavailable), §4.6 (directed)
 * - RFC 6121 §4.7.2.1 (priority: -128..127)
 */
import type { Element } from "ltx";
import { defineModule } from "../../lib/module-host/define";
import type { StanzaEvent } from "../../lib/router";
import type { SessionEvent } from "../../lib/sessions";
import { cloneElement, el, getText } from "../../lib/stanza";
import type { Session } from "../../lib/stream/session";
import { availableResources, presenceState } from "./state";

const SUBSCRIPTION_TYPES = new Set(["subscribe", "subscribed", "unsubscribe", "unsubscribed"]);

function parsePriority(p: Element): number {
  const text = getText(p.getChild("priority")).trim();
  if (!/^[+-]?\d{1,4}$/.test(text)) return 0;
  return Math.max(-128, Math.min(127, Number(text)));
}

export interface PresenceAvailableEvent {
  session: Session;
  initial: boolean;
  stanza: Element;
}

export default defineModule({
  name: "presence",
  summary: "Presence broadcast to the user's own resources, directed presence, unavailable on logout",
  implements: [{ spec: "RFC 6121 §4", status: "partial", note: "subscriptions with the roster module" }],
  scope: "host",
  setup(mod) {
    const host = mod.host!;
    const sessions = mod.server.sessions;

    const sendCopy = (target: Session, stanza: Element, to: string) => {
      const copy = cloneElement(stanza);
      copy.attrs.to = to;
      target.send(copy);
    };

    /** Presence without 'to' from a client: the user's own broadcast. */
    mod.hook<StanzaEvent>("presence/bare", (ev) => {
      const { origin, stanza } = ev;
      if (stanza.attrs.to !== undefined || origin?.kind !== "c2s" || !origin.jid) return undefined;
      const type = stanza.attrs.type as string | undefined;
      if (type !== undefined && type !== "unavailable") return true; // probes and subscriptions need a 'to'
      const st = presenceState(origin);
      const initial = st.last === undefined;
      const recipients = availableResources(sessions, host.name, origin.jid.local);
      if (type === "unavailable") {
        st.last = undefined;
        for (const full of st.directed) mod.send(el("presence", { type: "unavailable", from: origin.jid.toString(), to: full }));
        st.directed.clear();
      } else {
        st.priority = parsePriority(stanza);
        st.last = stanza;
      }
      // RFC 6121 §4.2.2: to all of the user's available resources, the originating one included.
      const targets = new Set([...recipients, ...(type === undefined ? [origin] : [])]);
      for (const s of targets) sendCopy(s, stanza, s.jid!.toString());
      if (type === undefined) void mod.host!.events.fire("presence-available", { session: origin, initial, stanza } satisfies PresenceAvailableEvent);
      return true;
    });

    const deliverDirected = (ev: StanzaEvent, targets: Session[]) => {
      const { origin, stanza } = ev;
      const type = stanza.attrs.type as string | undefined;
      if (origin?.kind === "c2s" && origin.jid) {
        const st = presenceState(origin);
        if (type === undefined) st.directed.add(ev.to.toString());
        else if (type === "unavailable") st.directed.delete(ev.to.toString());
      }
      for (const s of targets) s.send(stanza);
    };

    mod.hook<StanzaEvent>("presence/full", (ev) => {
      const type = ev.stanza.attrs.type as string | undefined;
      if (type !== undefined && SUBSCRIPTION_TYPES.has(type)) return undefined;
      const target = sessions.get(ev.to);
      deliverDirected(ev, target ? [target] : []);
      return true;
    }, -1);

    mod.hook<StanzaEvent>("presence/bare", (ev) => {
      const type = ev.stanza.attrs.type as string | undefined;
      if (type !== undefined && SUBSCRIPTION_TYPES.has(type)) return undefined;
      if (type === "probe") return undefined;
      deliverDirected(ev, availableResources(sessions, host.name, ev.to.local));
      return true;
    }, -1);

    // A resource that goes away without saying so is unavailable to everyone who saw it (RFC 6121 §4.5.2).
    mod.hook<SessionEvent>("resource-unbind", ({ session }) => {
      const st = presenceState(session);
      if (st.last === undefined || !session.jid) return;
      st.last = undefined;
      const jid = session.jid;
      const unavailable = (to: string) => el("presence", { type: "unavailable", from: jid.toString(), to });
      for (const s of availableResources(sessions, host.name, jid.local)) if (s !== session) s.send(unavailable(s.jid!.toString()));
      for (const full of st.directed) mod.send(unavailable(full));
      st.directed.clear();
    });
  },
});
