/**
 * STARTTLS on client (and later server) streams.
 *
 * References:
 * - RFC 6120 §5.3 (STARTTLS rules), §5.4.2 (negotiation), §5.4.3.3 (discard pipelined data)
 */
import { defineModule } from "../../lib/module-host/define";
import { StreamError } from "../../lib/errors";
import { el } from "../../lib/stanza";
import { NS } from "../../lib/xml/ns";

export default defineModule({
  name: "tls",
  summary: "STARTTLS (RFC 6120 §5)",
  implements: [{ spec: "RFC 6120 §5", status: "complete" }],
  scope: "host",
  streams: ["c2s"],
  setup(mod) {
    const host = mod.host!;
    mod.streamFeatures.offer(["c2s"], (session) => {
      if (session.secure) return undefined;
      const required = session.kind === "c2s" ? host.options.c2s_require_encryption : false;
      return el("starttls", { xmlns: NS.TLS }, required ? el("required") : undefined);
    }, 1000);

    mod.hookElement(["c2s"], NS.TLS, "starttls", ({ session }) => {
      if (session.secure || session.username !== undefined) {
        // TLS-04: no second STARTTLS, and none on a direct TLS stream.
        session.send(el("failure", { xmlns: NS.TLS }));
        session.close(new StreamError("policy-violation", "TLS is already negotiated"));
        return true;
      }
      session.send(el("proceed", { xmlns: NS.TLS }));
      session.startTls(mod.server.tlsOptionsFor(host));
      return true;
    });
  },
});
