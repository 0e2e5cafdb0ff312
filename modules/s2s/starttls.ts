/**
 * STARTTLS on server-to-server streams, both directions, and the peer certificate check on
 * outgoing links once TLS is up.
 *
 * References:
 * - RFC 6120 §5.4 (STARTTLS negotiation), §5.4.3.3 (restart after TLS), §13.7.2 (the initiating
 *   server validates the receiving server's certificate)
 * - XEP-0178 §3, XEP-0344 §2 (a certificate not valid for the domain does not authenticate it)
 */
import { StreamError } from "../../lib/errors";
import type { ModuleContext } from "../../lib/module-host/define";
import type { S2sService } from "../../lib/s2s/service";
import { el } from "../../lib/stanza";
import { verifyPeerCertificate } from "../../lib/tls/verify-identity";
import { NS } from "../../lib/xml/ns";

export function setupStartTls(mod: ModuleContext, service: S2sService): void {
  const host = mod.host!;
  const manager = service.manager;

  mod.streamFeatures.offer(["s2s-in"], (session) => {
    if (session.secure) return undefined;
    return el("starttls", { xmlns: NS.TLS }, host.options.s2s_require_encryption ? el("required") : undefined);
  }, 1000);

  mod.hookElement(["s2s-in"], NS.TLS, "starttls", ({ session }) => {
    if (session.secure || service.inboundState(session).authed.size > 0) {
      session.send(el("failure", { xmlns: NS.TLS }));
      session.close(new StreamError("policy-violation", "TLS is already negotiated"));
      return true;
    }
    session.send(el("proceed", { xmlns: NS.TLS }));
    session.startTls(service.serverTlsOptions(host));
    return true;
  });

  // Outgoing: the first word on every <stream:features/>. Nothing else happens before TLS.
  mod.hookElement(["s2s-out"], NS.STREAM, "features", ({ session, element }) => {
    const link = manager.linkOf(session);
    if (!link) return undefined;
    link.lastFeatures = element;
    if (!session.secure) {
      if (element.getChild("starttls", NS.TLS)) {
        session.send(el("starttls", { xmlns: NS.TLS }));
        return true;
      }
      if (host.options.s2s_require_encryption || service.secureAuthRequired(host, link.remote)) {
        link.fail(`${link.remote} does not offer STARTTLS`, "remote-server-not-found", new StreamError("policy-violation", "Encrypted server-to-server communication is required"));
        return true;
      }
      link.streamUsable();
      return undefined;
    }
    if (!link.cert) {
      link.cert = verifyPeerCertificate(session.tlsSocket!, link.remote, service.trust);
      if (!link.cert.valid) {
        if (service.secureAuthRequired(host, link.remote)) {
          const cause = `the certificate of ${link.remote} is not acceptable: ${link.cert.reason}`;
          mod.log.warn("refusing an s2s peer", { to: link.remote, reason: link.cert.reason });
          link.fail(cause, "remote-server-not-found", new StreamError("not-authorized", `Your server's certificate is not acceptable for ${link.remote}`));
          return true;
        }
        mod.log.info("peer certificate not valid; continuing without it (s2s_insecure_domains / s2s_secure_auth off)", { to: link.remote, reason: link.cert.reason });
      }
    }
    link.streamUsable();
    return undefined;
  }, 1000);

  mod.hookElement(["s2s-out"], NS.TLS, "proceed", ({ session }) => {
    const link = manager.linkOf(session);
    if (!link || session.secure) throw new StreamError("policy-violation", "Unexpected <proceed/>");
    session.startTlsClient(service.clientTlsOptions(host.name, link.remote, false));
    return true;
  });

  mod.hookElement(["s2s-out"], NS.TLS, "failure", ({ session }) => {
    manager.linkOf(session)?.fail("the peer refused STARTTLS", "remote-server-not-found");
    session.close();
    return true;
  });
}
