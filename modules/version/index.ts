/**
 * Software version of the server.
 *
 * References:
 * - XEP-0092 §2 (jabber:iq:version)
 */
import os from "node:os";
import { defineModule } from "../../lib/module-host/define";
import { opt } from "../../lib/config/options";
import { cloneElement, el } from "../../lib/stanza";
import { NS } from "../../lib/xml/ns";

const VERSION = "0.1.0";

export default defineModule({
  name: "version",
  summary: "XEP-0092: Software Version",
  implements: [{ spec: "XEP-0092", version: "1.1", status: "complete" }],
  scope: "host",
  options: {
    hide_os_type: opt.boolean(false, "Leave the operating system out of software version replies."),
  },
  setup(mod) {
    mod.disco.addFeature(NS.VERSION);
    const reply = el(
      "query",
      { xmlns: NS.VERSION },
      el("name", {}, "xmppd"),
      el("version", {}, VERSION),
      mod.options.hide_os_type ? undefined : el("os", {}, `${os.type()} ${os.release()}`),
    );
    mod.iq.get("host", NS.VERSION, "query", () => cloneElement(reply));
  },
});
