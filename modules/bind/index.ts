/**
 * Resource binding, and the legacy session establishment some old clients still send.
 *
 * References:
 * - RFC 6120 §7 (resource binding), §7.7.2.2 (conflicts: the new session wins)
 * - RFC 3921 §3 / draft-cridland-xmpp-session-01 (optional <session/>)
 */
import { randomBytes } from "node:crypto";
import { defineModule } from "../../lib/module-host/define";
import { stanzaError } from "../../lib/errors";
import { JidError, makeJid } from "../../lib/jid";
import { childElements, el, errorReply, getText, iqResult } from "../../lib/stanza";
import { Priority } from "../../lib/events";
import { NS } from "../../lib/xml/ns";

export default defineModule({
  name: "bind",
  summary: "Resource binding (RFC 6120 §7) and the optional legacy session",
  implements: [{ spec: "RFC 6120 §7", status: "complete" }],
  scope: "host",
  streams: ["c2s"],
  setup(mod) {
    const host = mod.host!;
    const server = mod.server;

    mod.streamFeatures.offer(["c2s"], (session) => {
      if (session.username === undefined || session.jid) return undefined;
      return el("bind", { xmlns: NS.BIND });
    }, 500);
    mod.streamFeatures.offer(["c2s"], (session) => {
      if (session.username === undefined || session.jid) return undefined;
      return el("session", { xmlns: NS.SESSION }, el("optional"));
    }, 490);

    mod.hookElement(["c2s"], NS.CLIENT, "iq", ({ session, element }) => {
      if (session.jid || session.username === undefined) return undefined;
      const children = childElements(element);
      const bind = children[0];
      if (element.attrs.type !== "set" || children.length !== 1 || bind.name !== "bind" || bind.attrs.xmlns !== NS.BIND) return undefined;
      const requested = getText(bind.getChild("resource")).trim();
      let jid;
      try {
        jid = makeJid(session.username, host.name, requested || randomBytes(6).toString("hex"));
      } catch (err) {
        if (!(err instanceof JidError)) throw err;
        session.send(errorReply(element, stanzaError("bad-request", "Invalid resource")));
        return true;
      }
      // An earlier session on the same full JID is replaced (it gets a conflict stream error).
      server.sessions.bind(session, jid);
      session.markReady();
      mod.log.debug("resource bound", { session: session.id, jid: jid.toString() });
      const reply = iqResult(element, el("bind", { xmlns: NS.BIND }, el("jid", {}, jid.toString())));
      delete reply.attrs.to;
      delete reply.attrs.from;
      session.send(reply);
      return true;
    }, Priority.HIGH);

    mod.iq.set("self", NS.SESSION, "session", () => true);
    mod.iq.set("host", NS.SESSION, "session", () => true);
  },
});
