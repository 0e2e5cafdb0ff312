/**
 * XMPP Ping: the server answers pings addressed to itself.
 *
 * References:
 * - XEP-0199 §4.2 (client-to-server ping)
 */
import { defineModule } from "../../lib/module-host/define";
import { NS } from "../../lib/xml/ns";

export default defineModule({
  name: "ping",
  summary: "XEP-0199: XMPP Ping",
  implements: [{ spec: "XEP-0199", version: "2.0.1", status: "complete" }],
  scope: "host",
  setup(mod) {
    mod.disco.addFeature(NS.PING);
    const pong = () => true as const;
    mod.iq.get("host", NS.PING, "ping", pong);
    mod.iq.get("self", NS.PING, "ping", pong);
  },
});
