/**
 * Server Dialback: authenticates server-to-server streams by calling the claimed domain back,
 * where certificates cannot (self-signed or mismatched peers listed in s2s_insecure_domains, or
 * s2s_secure_auth turned off). Keys are XEP-0185 HMACs of the domains and stream id.
 *
 * References:
 * - XEP-0220 (Server Dialback), XEP-0185 (key generation), XEP-0344 (dialback and certificates)
 */
import { defineModule } from "../../lib/module-host/define";
import { s2sService } from "../../lib/s2s/service";
import { setupInbound } from "./inbound";
import { setupOutbound } from "./outbound";

export default defineModule({
  name: "dialback",
  summary: "Server Dialback (XEP-0220) with XEP-0185 keys, for peers without a usable certificate",
  implements: [
    { spec: "XEP-0220", version: "1.1.2", status: "complete", note: "dialback errors; sender multiplexing on outgoing links" },
    { spec: "XEP-0185", version: "1.0", status: "complete" },
  ],
  scope: "host",
  alsoOnComponents: true,
  streams: ["s2s"],
  requires: ["s2s"],
  setup(mod) {
    const service = s2sService(mod.server);
    setupInbound(mod, service);
    setupOutbound(mod, service);
  },
});
