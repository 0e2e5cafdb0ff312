/**
 * Entity time of the server.
 *
 * References:
 * - XEP-0202 §3 (urn:xmpp:time), XEP-0082 (date-time profile)
 */
import { defineModule } from "../../lib/module-host/define";
import { el } from "../../lib/stanza";
import { NS } from "../../lib/xml/ns";

export default defineModule({
  name: "time",
  summary: "XEP-0202: Entity Time",
  implements: [{ spec: "XEP-0202", version: "2.0", status: "complete" }],
  scope: "host",
  setup(mod) {
    mod.disco.addFeature(NS.TIME);
    mod.iq.get("host", NS.TIME, "time", () =>
      el("time", { xmlns: NS.TIME }, el("tzo", {}, "+00:00"), el("utc", {}, new Date().toISOString().replace(/\.\d{3}Z$/, "Z"))),
    );
  },
});
