/**
 * Dialback on incoming streams: a peer asks us to accept a domain (<db:result/>), which we verify
 * with that domain's authoritative server, unless its certificate already proves it; and a peer
 * asks whether a key we issued is genuine (<db:verify/>).
 *
 * References:
 * - XEP-0220 §2.2.1 (receiving server), §2.2.2 (authoritative server), §2.4.2 (dialback errors),
 *   §3.1 (unsolicited results and verifies are rejected)
 * - XEP-0344 §2.4 (a certificate valid for the domain may stand in for dialing back)
 * - XEP-0185 §3 (keys checked in constant time)
 */
import { StreamError } from "../../lib/errors";
import type { ModuleContext } from "../../lib/module-host/define";
import type { S2sService } from "../../lib/s2s/service";
import { el, getText } from "../../lib/stanza";
import { NS } from "../../lib/xml/ns";
import { answerVerify } from "./authoritative";
import { dialbackError, domainAttr } from "./errors";

export function setupInbound(mod: ModuleContext, service: S2sService): void {
  const host = mod.host!;
  const server = mod.server;

  mod.streamFeatures.offer(["s2s-in"], (session) => {
    if (!session.secure && host.options.s2s_require_encryption) return undefined;
    return el("dialback", { xmlns: NS.DIALBACK_FEATURE }, el("errors"));
  }, 100);

  mod.hookElement(["s2s-in"], NS.DIALBACK, "result", ({ session, element }) => {
    if (element.attrs.type !== undefined) throw new StreamError("not-authorized", "Unsolicited dialback result");
    const from = domainAttr(element.attrs.from);
    const to = domainAttr(element.attrs.to);
    if (!from || !to) throw new StreamError("improper-addressing", "A dialback request needs 'from' and 'to' domains");
    const st = service.inboundState(session);
    const answer = (type: string, error?: ReturnType<typeof dialbackError>) => session.send(el("db:result", { from: to, to: from, type }, error));
    const target = server.hosts.get(to);
    if (!target || !service.moduleOn("dialback", to)) {
      answer("error", dialbackError("cancel", "item-not-found"));
      return true;
    }
    if (server.hosts.has(from)) throw new StreamError("not-authorized", "A peer cannot claim a domain this server hosts");
    if (st.authed.has(from)) {
      answer("valid");
      return true;
    }
    if (st.dialbackPending.has(from)) return true;
    if (!session.secure && target.options.s2s_require_encryption) {
      answer("error", dialbackError("cancel", "policy-violation"));
      return true;
    }
    const cert = st.cert(from);
    if (cert.valid) {
      st.authenticate(from, "dialback (certificate)", to);
      answer("valid");
      return true;
    }
    if (service.secureAuthRequired(target, from)) {
      mod.log.warn("refusing dialback from a peer without an acceptable certificate", { session: session.id, from, to, reason: cert.reason });
      if (st.authed.size === 0) throw new StreamError("not-authorized", `Your server's certificate is not acceptable for ${from}: ${cert.reason}`);
      answer("error", dialbackError("auth", "not-authorized"));
      return true;
    }
    const key = getText(element).trim();
    if (key === "" || session.streamId === "") {
      answer("invalid");
      return true;
    }
    st.dialbackPending.add(from);
    // Not awaited: the stream must keep flowing meanwhile, since the peer may need to verify one of
    // our keys over this very stream before it answers ours.
    void service.manager.verify(to, from, session.streamId, key).then((r) => {
      st.dialbackPending.delete(from);
      if (session.closed) return;
      if (r.type === "valid") {
        st.authenticate(from, "dialback", to);
        answer("valid");
      } else if (r.type === "invalid") {
        mod.log.warn("the authoritative server denied a dialback key: spoofing attempt?", { session: session.id, from, to });
        if (st.authed.size > 0) return void answer("error", dialbackError("auth", "forbidden"));
        answer("invalid");
        session.close(new StreamError("not-authorized", `Dialback for ${from} failed`));
      } else {
        mod.log.info("could not verify a dialback key", { session: session.id, from, to, condition: r.condition, text: r.text });
        answer("error", dialbackError("cancel", "remote-server-not-found"));
      }
    });
    return true;
  });

  mod.hookElement(["s2s-in"], NS.DIALBACK, "verify", ({ session, element }) => {
    if (element.attrs.type !== undefined) throw new StreamError("not-authorized", "Unsolicited dialback verification answer");
    return answerVerify(mod, service, session, element);
  });
}
