/**
 * Private XML storage: an account keeps namespaced fragments on its server, one per element name and
 * namespace, readable and writable only by the account itself.
 *
 * References:
 * - XEP-0049 §2.1 (store any fragment whose root has its own namespace; get by that namespace)
 * - XEP-0049 §2.3 (no child: not-acceptable, or bad-request for a get; one namespace per get;
 *   another user's data: forbidden; reserved namespaces: not-acceptable)
 * - XEP-0049 §3 (error conditions), §4 (only the user's own resources may touch it)
 */
import type { Element } from "ltx";
import { defineModule } from "../../lib/module-host/define";
import { opt } from "../../lib/config/options";
import { stanzaError } from "../../lib/errors";
import { childElements, cloneElement, el } from "../../lib/stanza";
import { NS } from "../../lib/xml/ns";
import { loadElement, storedSize, storeElement } from "../vcard/stored-xml";
import { isReservedNamespace } from "./reserved";

/** An element's namespace: the parser writes xmlns only where it differs from the parent's. */
function namespaceOf(child: Element): string {
  return (child.attrs.xmlns as string | undefined) ?? NS.PRIVATE;
}

/** Clark notation: one stored fragment per (namespace, name). */
function keyOf(child: Element): string {
  return `{${namespaceOf(child)}}${child.name}`;
}

/** An element without content or attributes asks for nothing to be kept (as a delete). */
function isEmpty(child: Element): boolean {
  return child.children.length === 0 && Object.keys(child.attrs).every((a) => a === "xmlns");
}

export default defineModule({
  name: "private",
  summary: "Private XML storage (XEP-0049)",
  implements: [{ spec: "XEP-0049", version: "1.2", status: "complete" }],
  scope: "host",
  options: {
    private_size_limit: opt.integer(65536, "Largest private XML fragment (bytes) an account may store; larger ones are refused with not-allowed.", { min: 1024 }),
    private_max_items: opt.integer(100, "Most private XML fragments (distinct namespace and name) one account may store.", { min: 1 }),
  },
  setup(mod) {
    const store = mod.storage.map<string>();
    const { private_size_limit: sizeLimit, private_max_items: maxItems } = mod.options;

    mod.disco.addFeature(NS.PRIVATE);

    mod.iq.get("self", NS.PRIVATE, "query", async ({ to, payload }) => {
      const children = childElements(payload);
      if (children.length !== 1) throw stanzaError("bad-request", "Ask for exactly one namespaced element");
      const wanted = children[0];
      if (isReservedNamespace(namespaceOf(wanted))) throw stanzaError("not-acceptable", "That namespace is reserved");
      const text = await store.get(to.local, keyOf(wanted));
      // Nothing stored: the request's own (empty) element comes back, as clients expect.
      return el("query", { xmlns: NS.PRIVATE }, text === undefined ? cloneElement(wanted) : loadElement(text));
    });

    mod.iq.set("self", NS.PRIVATE, "query", async ({ to, payload }): Promise<true> => {
      const children = childElements(payload);
      if (children.length === 0) throw stanzaError("not-acceptable", "Nothing to store");
      const writes: Record<string, string | undefined> = {};
      for (const child of children) {
        if (isReservedNamespace(namespaceOf(child))) throw stanzaError("not-acceptable", "That namespace is reserved");
        if (storedSize(child) > sizeLimit) throw stanzaError("not-allowed", `Private XML fragments are limited to ${sizeLimit} bytes`);
        writes[keyOf(child)] = isEmpty(child) ? undefined : storeElement(child);
      }
      let added = 0;
      for (const [key, value] of Object.entries(writes)) {
        if (value !== undefined && (await store.get(to.local, key)) === undefined) added++;
      }
      if (added > 0 && (await store.count(to.local)) + added > maxItems) {
        throw stanzaError("not-allowed", `At most ${maxItems} private XML fragments per account`);
      }
      await store.setKeys(to.local, writes);
      return true;
    });

    const forbidden = () => {
      throw stanzaError("forbidden", "Private XML belongs to its account alone");
    };
    mod.iq.get("bare", NS.PRIVATE, "query", forbidden);
    mod.iq.set("bare", NS.PRIVATE, "query", forbidden);
  },
});
