/**
 * Message carbons: a user's resources that enabled carbons get copies of the chat messages their
 * other resources send and receive.
 *
 * References:
 * - XEP-0280 §4 (discovery), §5 (enabling and disabling), §6 (eligibility),
 *   §7 (avoiding carbons), §8 (security: carbons come only from the user's bare JID)
 * - XEP-0297 (stanza forwarding)
 */
import type { Element } from "ltx";
import { defineModule } from "../../lib/module-host/define";
import { Priority } from "../../lib/events";
import type { StanzaEvent } from "../../lib/router";
import { cloneElement, el } from "../../lib/stanza";
import type { Session } from "../../lib/stream/session";
import { availableResources, preferredResources } from "../presence/state";
import { isEligible, NS_CARBONS, NS_FORWARD } from "./eligible";

const ENABLED = "carbons";

function enabled(s: Session): boolean {
  return s.data.get(ENABLED) === true && !s.closed;
}

function wrap(kind: "sent" | "received", bare: string, to: Session, message: Element): Element {
  const copy = cloneElement(message);
  copy.attrs.xmlns = "jabber:client";
  return el(
    "message",
    { from: bare, to: to.jid!.toString(), type: message.attrs.type },
    el(kind, { xmlns: NS_CARBONS }, el("forwarded", { xmlns: NS_FORWARD }, copy)),
  );
}

export default defineModule({
  name: "carbons",
  summary: "XEP-0280: Message Carbons",
  implements: [{ spec: "XEP-0280", version: "1.0.1", status: "complete" }],
  scope: "host",
  requires: ["presence"],
  setup(mod) {
    const host = mod.host!;
    const sessions = mod.server.sessions;
    mod.disco.addFeature(NS_CARBONS);

    const toggle = (on: boolean) => ({ origin }: StanzaEvent) => {
      if (origin?.kind !== "c2s") return undefined;
      origin.data.set(ENABLED, on);
      return true as const;
    };
    mod.iq.set("self", NS_CARBONS, "enable", toggle(true));
    mod.iq.set("self", NS_CARBONS, "disable", toggle(false));

    /** Copies of what a local resource sends, to its other carbons-enabled resources. */
    const sent = (ev: { origin?: Session; stanza: Element }) => {
      const { origin, stanza } = ev;
      if (origin?.kind !== "c2s" || !origin.jid || origin.host !== host || stanza.name !== "message" || !isEligible(stanza)) return;
      const bare = origin.jid.bare.toString();
      for (const s of availableResources(sessions, host.name, origin.jid.local)) {
        if (s !== origin && enabled(s)) s.send(wrap("sent", bare, s, stanza));
      }
    };

    /** Copies of what reaches the user, to the carbons-enabled resources that did not get the original. */
    const received = (ev: StanzaEvent) => {
      const { stanza, to } = ev;
      if (!isEligible(stanza) || !to.local) return;
      // A message to one's own bare or full JID from oneself is handled as sent, not received.
      if (ev.origin?.kind === "c2s" && ev.origin.jid?.bare.equals(to.bare)) return;
      const all = availableResources(sessions, host.name, to.local);
      if (all.length === 0) return;
      const direct = to.resource ? sessions.get(to) : undefined;
      const recipients = new Set(direct && !direct.closed ? [direct] : preferredResources(sessions, host.name, to.local));
      if (recipients.size === 0) return;
      const bare = to.bare.toString();
      for (const s of all) if (!recipients.has(s) && enabled(s)) s.send(wrap("received", bare, s, stanza));
    };

    // Sent copies for local destinations run after outbound policy (blocking) had its say.
    for (const kind of ["bare", "full", "host"]) mod.hook(`pre-message/${kind}`, sent, Priority.LAST);
    mod.hookGlobal("route/remote", sent, Priority.HIGH);
    mod.hook("message/bare", received, Priority.HIGH);
    mod.hook("message/full", received, Priority.HIGH);
  },
});
