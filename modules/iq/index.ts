/**
 * IQs addressed to a client's full JID are delivered to that resource.
 *
 * References:
 * - RFC 6121 §8.5.3.1 (full JID, resource available), §8.5.3.2.3 (no such resource: service-unavailable)
 */
import { defineModule } from "../../lib/module-host/define";
import type { StanzaEvent } from "../../lib/router";

export default defineModule({
  name: "iq",
  summary: "Delivery of IQs to full JIDs",
  implements: [{ spec: "RFC 6121 §8.5.3", status: "complete" }],
  scope: "host",
  setup(mod) {
    const sessions = mod.server.sessions;
    mod.hook<StanzaEvent>("iq/full", ({ stanza, to }) => {
      const target = sessions.get(to);
      if (target && !target.closed) {
        target.send(stanza);
        return true;
      }
      const type = stanza.attrs.type;
      // Results and errors for a gone resource are dropped; get/set fall through to service-unavailable.
      return type === "result" || type === "error" ? true : undefined;
    }, -1);
  },
});
