/**
 * Dialback on outgoing streams: we send our key when SASL EXTERNAL is not available, and take
 * the answers to our keys and to the verification requests we sent for incoming streams.
 *
 * References:
 * - XEP-0220 §2.1.1 (initiating server), §2.1.2 (receiving server asks the authoritative server),
 *   §2.4 (advertisement: stream feature or the namespace on the header), §3.1 (unsolicited answers)
 * - XEP-0288 §2.2 (on a bidirectional stream the peer's requests come this way too)
 */
import { StreamError } from "../../lib/errors";
import type { ModuleContext } from "../../lib/module-host/define";
import type { VerifyResult } from "../../lib/s2s/link";
import type { S2sService } from "../../lib/s2s/service";
import { NS } from "../../lib/xml/ns";
import { el } from "../../lib/stanza";
import { answerVerify } from "./authoritative";
import { dialbackError, dialbackErrorCondition, domainAttr, headerDeclaresDialback } from "./errors";

export function setupOutbound(mod: ModuleContext, service: S2sService): void {
  const host = mod.host!;
  const manager = service.manager;

  mod.hookElement(["s2s-out"], NS.STREAM, "features", ({ session, element }) => {
    const link = manager.linkOf(session);
    if (!link) return undefined;
    const feature = element.getChild("dialback", NS.DIALBACK_FEATURE);
    if (feature) {
      link.peerDialback = true;
      link.peerDialbackErrors ||= feature.getChild("errors") !== undefined;
    } else if (headerDeclaresDialback(session.peerHeader)) {
      link.peerDialback = true;
    }
    if (link.external === "attempting" || link.external === "succeeded") return undefined;
    if (link.authorized.has(link.local) || link.resultPending.has(link.local)) return undefined;
    if (!link.peerDialback || session.streamId === "") return undefined;
    if (!session.secure && host.options.s2s_require_encryption) return undefined;
    link.sendDialbackResult(link.local);
    return true;
  }, 100);

  mod.hookElement(["s2s-out"], NS.DIALBACK, "result", ({ session, element }) => {
    const link = manager.linkOf(session);
    const from = domainAttr(element.attrs.from);
    const to = domainAttr(element.attrs.to);
    const type = element.attrs.type as string | undefined;
    if (link?.bidi && type === undefined && from && to) {
      // XEP-0288 lets the peer authenticate further domains of its own here; we do not take them (yet).
      session.send(el("db:result", { from: to, to: from, type: "error" }, dialbackError("cancel", "feature-not-implemented")));
      return true;
    }
    if (!link || !to || from !== link.remote || !link.resultPending.has(to) || !type) {
      throw new StreamError("not-authorized", "Unsolicited dialback result");
    }
    if (type === "valid") {
      link.authenticated(to, "dialback");
    } else if (type === "invalid") {
      link.authFailed(to, `${link.remote} rejected our dialback key for ${to}`, "remote-server-not-found");
    } else {
      link.authFailed(to, `${link.remote} could not verify ${to} by dialback (${dialbackErrorCondition(element)})`, "remote-server-timeout");
    }
    return true;
  });

  mod.hookElement(["s2s-out"], NS.DIALBACK, "verify", ({ session, element }) => {
    const link = manager.linkOf(session);
    const type = element.attrs.type as string | undefined;
    // On a bidirectional stream the peer may ask us, as the authoritative server, about a key.
    if (link?.bidi && type === undefined) return answerVerify(mod, service, session, element);
    if (!link || !type) throw new StreamError("unsupported-stanza-type", "Verification requests go to the peer's own stream");
    const from = domainAttr(element.attrs.from);
    const to = domainAttr(element.attrs.to);
    const id = element.attrs.id as string | undefined;
    const result: VerifyResult =
      type === "valid" ? { type } : type === "invalid" ? { type } : { type: "error", condition: dialbackErrorCondition(element) };
    if (!from || !to || !id || !link.verifyAnswered(from, to, id, result)) {
      mod.log.warn("ignoring an unsolicited dialback verification answer", { session: session.id, from, to, id });
    }
    return true;
  });
}
