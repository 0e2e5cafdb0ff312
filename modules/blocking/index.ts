/**
 * The blocking command: an account's blocklist, kept across sessions and enforced on every stanza
 * to and from the account.
 *
 * References:
 * - XEP-0191 §3.1 (disco feature urn:xmpp:blocking), §3.2–3.5 (commands: commands.ts),
 *   §3.3 (enforcement: enforce.ts; presence: presence.ts), §6 (JID matching: jid-match.ts)
 */
import type { Element } from "ltx";
import { defineModule } from "../../lib/module-host/define";
import { opt } from "../../lib/config/options";
import { NS } from "../../lib/xml/ns";
import { installCommands } from "./commands";
import { installEnforcement } from "./enforce";
import { registerStore } from "./registry";
import { BlocklistStore } from "./store";

export default defineModule({
  name: "blocking",
  summary: "Blocking command (XEP-0191): blocklists and their enforcement",
  implements: [
    {
      spec: "XEP-0191",
      version: "1.3",
      status: "partial",
      note: "presence on block/unblock goes to the blocked contact and directed-presence targets until the roster records subscriptions",
    },
  ],
  scope: "host",
  requires: ["presence"],
  options: {
    blocklist_max_items: opt.integer(1000, "Most JIDs one account may block.", { min: 1 }),
  },
  setup(mod) {
    const store = new BlocklistStore(mod.storage.keyval<string[]>());
    mod.onUnload(registerStore(mod.server, mod.hostName, store));
    const exempt = new WeakSet<Element>();

    mod.disco.addFeature(NS.BLOCKING);
    installEnforcement(mod, store, exempt);
    installCommands(mod, store, mod.options.blocklist_max_items, exempt);

    mod.hook<{ user: string }>("user-deleted", ({ user }) => {
      store.forget(user);
      return undefined;
    });
  },
});
