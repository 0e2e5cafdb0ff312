/**
 * Service discovery for the server and for accounts, fed by what modules register; the
 * server's entity capabilities in stream features.
 *
 * References:
 * - XEP-0030 §3 (disco#info), §4 (disco#items)
 * - XEP-0115 §5 (verification string), §6.3 (caps in stream features)
 */
import { createHash } from "node:crypto";
import type { Element } from "ltx";
import { defineModule } from "../../lib/module-host/define";
import { stanzaError } from "../../lib/errors";
import type { Host, Identity } from "../../lib/host";
import { el } from "../../lib/stanza";
import { NS } from "../../lib/xml/ns";
import { isSubscriber, rosterStoreOf } from "../roster/service";

const CAPS_NODE = "https://github.com/xmppd/xmppd";

/** XEP-0115 §5.1: identities sorted by category/type/lang/name, then features, each followed by '<'. */
export function capsVerification(identities: Identity[], features: string[]): string {
  const ids = identities.map((i) => `${i.category}/${i.type}//${i.name ?? ""}`).sort();
  const feats = [...new Set(features)].sort();
  let s = "";
  for (const i of ids) s += i + "<";
  for (const f of feats) s += f + "<";
  return createHash("sha1").update(s, "utf8").digest("base64");
}

function hostInfo(host: Host): { identities: Identity[]; features: string[] } {
  return { identities: host.identities.values(), features: host.features.values() };
}

function infoElement(identities: Identity[], features: string[], node?: string): Element {
  return el(
    "query",
    { xmlns: NS.DISCO_INFO, node },
    ...identities.map((i) => el("identity", { category: i.category, type: i.type, name: i.name })),
    ...[...new Set(features)].sort().map((f) => el("feature", { var: f })),
  );
}

export default defineModule({
  name: "disco",
  summary: "Service discovery (XEP-0030) and server entity capabilities (XEP-0115)",
  implements: [
    { spec: "XEP-0030", version: "2.5rc3", status: "complete" },
    { spec: "XEP-0115", version: "1.6.0", status: "partial", note: "server capabilities in stream features" },
  ],
  scope: "host",
  streams: ["c2s"],
  setup(mod) {
    const host = mod.host!;
    mod.disco.addIdentity("server", "im", "xmppd");
    mod.disco.addFeature(NS.DISCO_INFO);
    mod.disco.addFeature(NS.DISCO_ITEMS);
    mod.disco.addAccountFeature(NS.DISCO_INFO);
    mod.disco.addAccountFeature(NS.DISCO_ITEMS);

    let cached: { version: number; ver: string } | undefined;
    const ver = () => {
      if (!cached || cached.version !== host.itemsVersion) {
        const { identities, features } = hostInfo(host);
        cached = { version: host.itemsVersion, ver: capsVerification(identities, features) };
      }
      return cached.ver;
    };

    mod.iq.get("host", NS.DISCO_INFO, "query", ({ payload }) => {
      const node = payload.attrs.node as string | undefined;
      if (node !== undefined && node !== `${CAPS_NODE}#${ver()}`) throw stanzaError("item-not-found");
      const { identities, features } = hostInfo(host);
      return infoElement(identities, features, node);
    });
    // XEP-0030 §4, XEP-0045 §6.1: the server lists its services (components) so clients find them.
    mod.iq.get("host", NS.DISCO_ITEMS, "query", ({ payload }) => {
      if (payload.attrs.node !== undefined) throw stanzaError("item-not-found");
      const components = [...mod.server.hosts.values()].filter((h) => h.kind === "component");
      return el("query", { xmlns: NS.DISCO_ITEMS }, ...components.map((h) => el("item", { jid: h.name, name: h.identities.values()[0]?.name })));
    });

    // An account answers for its owner. Others get service-unavailable whether or not the account
    // exists, so disco does not reveal which accounts exist (as Prosody does without a subscription).
    const accountInfo = () => infoElement([{ category: "account", type: "registered" }, ...host.accountIdentities.values()], host.accountFeatures.values());
    mod.iq.get("self", NS.DISCO_INFO, "query", ({ payload }) => {
      if (payload.attrs.node !== undefined) throw stanzaError("item-not-found");
      return accountInfo();
    });
    mod.iq.get("self", NS.DISCO_ITEMS, "query", () => el("query", { xmlns: NS.DISCO_ITEMS }));
    // Contacts allowed to see the user's presence see the account's identities and features too
    // (PEP, MAM...). Node queries are left to the modules that own nodes.
    mod.iq.get("bare", NS.DISCO_INFO, "query", async ({ to, from, payload }) => {
      if (payload.attrs.node !== undefined) return undefined;
      if (!isSubscriber(await rosterStoreOf(host)?.read(to.local), from.bare.toString())) throw stanzaError("service-unavailable");
      return accountInfo();
    });

    mod.streamFeatures.offer(["c2s"], () => el("c", { xmlns: NS.CAPS, hash: "sha-1", node: CAPS_NODE, ver: ver() }), -100);
  },
});
