/**
 * vcard-temp: each account's vCard, kept as XML text. The owner reads and replaces it; anyone may
 * read another account's vCard, answered by the server on the account's behalf.
 *
 * References:
 * - XEP-0054 §3.1 (own vCard: the stored one, or an empty <vCard/>)
 * - XEP-0054 §3.2 (update replaces the whole vCard; setting another's: forbidden)
 * - XEP-0054 §3.3 (another user's vCard: answered by the server; none → item-not-found)
 * - XEP-0054 §4 (disco feature), §5 (vCards are world-readable)
 */
import { defineModule } from "../../lib/module-host/define";
import { opt } from "../../lib/config/options";
import { stanzaError } from "../../lib/errors";
import { childElements, el, getText } from "../../lib/stanza";
import { NS } from "../../lib/xml/ns";
import { loadElement, storedSize, storeElement } from "./stored-xml";

export default defineModule({
  name: "vcard",
  summary: "vcard-temp: the account's own vCard and other accounts' vCards (XEP-0054)",
  implements: [{ spec: "XEP-0054", version: "1.2", status: "complete" }],
  scope: "host",
  options: {
    vcard_size_limit: opt.integer(131072, "Largest vCard (bytes of XML) an account may store; larger ones are refused with not-allowed.", { min: 1024 }),
  },
  setup(mod) {
    const store = mod.storage.keyval<string>();
    const limit = mod.options.vcard_size_limit;

    mod.disco.addFeature(NS.VCARD);
    mod.disco.addAccountFeature(NS.VCARD);

    const load = async (user: string) => {
      const text = await store.get(user);
      return text === undefined ? undefined : loadElement(text);
    };

    // An empty vCard rather than an error: clients fetch their own vCard on every login.
    mod.iq.get("self", NS.VCARD, "vCard", async ({ to }) => (await load(to.local)) ?? el("vCard", { xmlns: NS.VCARD }));

    // The same answer for "no such account" and "no vCard", so vCards do not reveal which accounts exist.
    mod.iq.get("bare", NS.VCARD, "vCard", async ({ to }) => {
      const vcard = await load(to.local);
      if (!vcard) throw stanzaError("item-not-found");
      return vcard;
    });

    mod.iq.set("self", NS.VCARD, "vCard", async ({ to, payload }): Promise<true> => {
      if (storedSize(payload) > limit) throw stanzaError("not-allowed", `The vCard is larger than ${limit} bytes`);
      // Publishing an empty vCard clears it, so others get item-not-found again.
      await store.set(to.local, childElements(payload).length === 0 && getText(payload).trim() === "" ? undefined : storeElement(payload));
      return true;
    });

    mod.iq.set("bare", NS.VCARD, "vCard", () => {
      throw stanzaError("forbidden", "Only the account itself may change its vCard");
    });
  },
});
