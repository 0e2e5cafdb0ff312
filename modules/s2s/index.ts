/**
 * Server-to-server links: outgoing connections found through DNS SRV (XEP-0368 and RFC 6120),
 * STARTTLS in both directions, SASL EXTERNAL with certificates, and the stanzas that cross.
 * Dialback is the separate `dialback` module.
 *
 * References:
 * - RFC 6120 §3.2 (resolution), §5 (STARTTLS), §6 (SASL), §13.7 (certificates)
 * - XEP-0178 (SASL EXTERNAL for s2s), XEP-0368 (Direct TLS), RFC 2782 (SRV), XEP-0288 (bidi)
 */
import { opt } from "../../lib/config/options";
import { defineModule } from "../../lib/module-host/define";
import { s2sService } from "../../lib/s2s/service";
import { setupBidi } from "./bidi";
import { setupOutbound } from "./outbound";
import { setupSaslExternal } from "./sasl-external";
import { setupStartTls } from "./starttls";

export default defineModule({
  name: "s2s",
  summary: "Server-to-server links: DNS SRV, STARTTLS, SASL EXTERNAL, outgoing queues and bounces",
  implements: [
    { spec: "RFC 6120 §3.2", status: "complete", note: "SRV with A/AAAA fallback" },
    { spec: "XEP-0178", version: "1.2", status: "complete", note: "server-to-server only" },
    { spec: "XEP-0368", version: "1.1.0", status: "complete", note: "server-to-server" },
    { spec: "XEP-0288", version: "1.0.1", status: "partial", note: "no reverse dialback for further peer domains" },
  ],
  scope: "host",
  alsoOnComponents: true,
  streams: ["s2s"],
  options: {
    s2s_bidi: opt.boolean(true, "Offer and request bidirectional server-to-server streams (XEP-0288): one connection per pair of servers instead of two."),
  },
  async setup(mod) {
    const service = s2sService(mod.server);
    await service.ready();
    setupStartTls(mod, service);
    setupSaslExternal(mod, service);
    setupOutbound(mod, service);
    setupBidi(mod, service, mod.options.s2s_bidi);
  },
});
