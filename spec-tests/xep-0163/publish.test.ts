/**
 * XEP-0163 PEP on the account's bare JID, the owner's side: discovery, publishing with auto-create
 * and publish-options, item retrieval, node configuration, creation, deletion and the limits.
 * XEP-0163 §3, §5, §6.1; XEP-0060 §6.5, §7.1, §7.1.5, §8.1-§8.5.
 */
import { startTestServer, TestServer } from "../support/harness";
import type { TestClient } from "../rfc6121/roster-support";
import { configValue, DISCO_INFO, errorOf, expectResult, form, OWNER, pepUser, publishIq, pubsub, PUBSUB, tune } from "./pep-support";

const OMEMO_DEVICES = "eu.siacs.conversations.axolotl.devicelist";

describe("XEP-0163 PEP: the owner publishes", () => {
  let ts: TestServer;
  let alice: TestClient;
  beforeAll(async () => {
    ts = await startTestServer({ yaml: "pep_max_nodes: 12\npep_max_item_size: 2048\npep_max_items: 5" });
  });
  beforeEach(async () => {
    alice = (await pepUser(ts, "alice")).c;
  });
  afterEach(async () => alice?.disconnect());
  afterAll(async () => ts?.stop());

  const items = async (c: TestClient, node: string, inner = "", to?: string) => c.iq("get", pubsub(`<items node='${node}'${inner}`), to);

  it("§6.1: disco#info on the own bare JID shows identity pubsub/pep and the features PEP clients look for", async () => {
    const r = expectResult(await alice.iq("get", `<query xmlns='${DISCO_INFO}'/>`, alice.bare));
    const q = r.getChild("query", DISCO_INFO)!;
    const identities = q.getChildren("identity").map((i) => `${i.attrs.category}/${i.attrs.type}`);
    expect(identities).toEqual(expect.arrayContaining(["account/registered", "pubsub/pep"]));
    const features = q.getChildren("feature").map((f) => f.attrs.var);
    for (const f of ["publish", "publish-options", "auto-create", "access-presence", "access-open", "access-whitelist", "filtered-notifications", "config-node", "config-node-max", "item-ids", "multi-items", "retrieve-items", "retract-items", "delete-nodes", "persistent-items"]) {
      expect(features).toContain(`${PUBSUB}#${f}`);
    }
    // The same answer without a 'to' (the account itself).
    const same = expectResult(await alice.iq("get", `<query xmlns='${DISCO_INFO}'/>`));
    expect(same.getChild("query", DISCO_INFO)!.getChildren("identity").map((i) => i.attrs.type)).toContain("pep");
  });

  it("§3: publishing to a node that does not exist creates it; the result names the item", async () => {
    expect(errorOf(await items(alice, TUNE_NODE, "/>"))[0]).toBe("item-not-found");
    const r = expectResult(await alice.iq("set", publishIq(TUNE_NODE, tune("Finzi"), { id: "song1" })));
    expect(r.getChild("pubsub", PUBSUB)?.getChild("publish")?.getChild("item")?.attrs.id).toBe("song1");
    const got = expectResult(await items(alice, TUNE_NODE, "/>"));
    const list = got.getChild("pubsub", PUBSUB)!.getChild("items")!.getChildren("item");
    expect(list.map((i) => i.attrs.id)).toEqual(["song1"]);
    expect(list[0].getChild("tune", "http://jabber.org/protocol/tune")?.getChildText("title")).toBe("Finzi");
    // XEP-0060 §12: a PEP node keeps one item by default; a new one replaces it. Without an id, one is made up.
    const gen = expectResult(await alice.iq("set", publishIq(TUNE_NODE, tune("Holst"))));
    const genId = gen.getChild("pubsub", PUBSUB)!.getChild("publish")!.getChild("item")!.attrs.id;
    expect(genId).toMatch(/\S/);
    const after = expectResult(await items(alice, TUNE_NODE, "/>")).getChild("pubsub", PUBSUB)!.getChild("items")!.getChildren("item");
    expect(after.map((i) => i.attrs.id)).toEqual([genId]);
    // The default configuration: presence access, one item.
    const cfg = expectResult(await alice.iq("get", pubsub(`<configure node='${TUNE_NODE}'/>`, OWNER)));
    expect(configValue(cfg, "pubsub#access_model")).toBe("presence");
    expect(configValue(cfg, "pubsub#max_items")).toBe("1");
    // And the node is discoverable by its owner.
    const disco = expectResult(await alice.iq("get", "<query xmlns='http://jabber.org/protocol/disco#items'/>", alice.bare));
    expect(disco.getChild("query")!.getChildren("item").map((i) => i.attrs.node)).toEqual([TUNE_NODE]);
  });

  it("XEP-0060 §6.5: all items, the N most recent (max_items), or named ones, oldest first", async () => {
    const node = "urn:test:list";
    for (const id of ["a", "b", "c"]) expectResult(await alice.iq("set", publishIq(node, `<x xmlns='urn:test'>${id}</x>`, { id, options: { "pubsub#max_items": "max" } })));
    const ids = async (inner: string) =>
      expectResult(await items(alice, node, inner)).getChild("pubsub", PUBSUB)!.getChild("items")!.getChildren("item").map((i) => i.attrs.id);
    expect(await ids("/>")).toEqual(["a", "b", "c"]);
    expect(await ids(" max_items='2'/>")).toEqual(["b", "c"]);
    expect(await ids("><item id='b'/><item id='zz'/></items>")).toEqual(["b"]);
    // Re-publishing an id replaces that item, which becomes the newest.
    expectResult(await alice.iq("set", publishIq(node, "<x xmlns='urn:test'>a2</x>", { id: "a" })));
    expect(await ids("/>")).toEqual(["b", "c", "a"]);
    expect(errorOf(await items(alice, node, " max_items='zero'/>"))[0]).toBe("bad-request");
    // "max" means the server's limit (5 here): a sixth new item is refused rather than dropping the oldest.
    for (const id of ["d", "e"]) expectResult(await alice.iq("set", publishIq(node, "<x xmlns='urn:test'/>", { id })));
    expect(errorOf(await alice.iq("set", publishIq(node, "<x xmlns='urn:test'/>", { id: "f" })))).toEqual(["not-allowed", "max-items-exceeded"]);
    // A numeric max_items drops the oldest instead.
    expectResult(await alice.iq("set", pubsub(`<configure node='${node}'>${form("http://jabber.org/protocol/pubsub#node_config", { "pubsub#max_items": "2" })}</configure>`, OWNER)));
    expect(await ids("/>")).toEqual(["d", "e"]);
    expectResult(await alice.iq("set", publishIq(node, "<x xmlns='urn:test'/>", { id: "f" })));
    expect(await ids("/>")).toEqual(["e", "f"]);
  });

  it("XEP-0384 / the Conversations compliance check: publish-options access_model=open, config reads open, the node can be deleted", async () => {
    const node = `${OMEMO_DEVICES}-test`;
    expectResult(await alice.iq("set", publishIq(node, "<list xmlns='eu.siacs.conversations.axolotl'><device id='42'/></list>", { id: "current", options: { "pubsub#access_model": "open" } })));
    const cfg = expectResult(await alice.iq("get", pubsub(`<configure node='${node}'/>`, OWNER)));
    expect(configValue(cfg, "pubsub#access_model")).toBe("open");
    // The same options again are met, so the publish goes through.
    expectResult(await alice.iq("set", publishIq(node, "<list xmlns='eu.siacs.conversations.axolotl'/>", { id: "current", options: { "pubsub#access_model": "open" } })));
    expectResult(await alice.iq("set", pubsub(`<delete node='${node}'/>`, OWNER)));
    expect(errorOf(await items(alice, node, "/>"))[0]).toBe("item-not-found");
    expect(errorOf(await alice.iq("set", pubsub(`<delete node='${node}'/>`, OWNER)))[0]).toBe("item-not-found");
  });

  it("§7.1.5: an option the existing node does not meet fails with conflict + precondition-not-met; after configuring, it passes", async () => {
    const node = OMEMO_DEVICES;
    expectResult(await alice.iq("set", publishIq(node, "<list xmlns='eu.siacs.conversations.axolotl'/>", { id: "current" })));
    const refused = await alice.iq("set", publishIq(node, "<list xmlns='eu.siacs.conversations.axolotl'/>", { id: "current", options: { "pubsub#access_model": "open" } }));
    expect(refused.attrs.type).toBe("error");
    expect(errorOf(refused)).toEqual(["conflict", "precondition-not-met"]);
    expect(refused.getChild("error")?.attrs.type).toBe("cancel");
    // What Conversations does next: configure the node, publish again.
    expectResult(await alice.iq("set", pubsub(`<configure node='${node}'>${form("http://jabber.org/protocol/pubsub#node_config", { "pubsub#access_model": "open" })}</configure>`, OWNER)));
    expectResult(await alice.iq("set", publishIq(node, "<list xmlns='eu.siacs.conversations.axolotl'/>", { id: "current", options: { "pubsub#access_model": "open" } })));
    // XEP-0223 / XEP-0402 options, booleans in either spelling, "max" for max_items.
    const priv = { "pubsub#persist_items": "true", "pubsub#access_model": "whitelist", "pubsub#max_items": "max", "pubsub#send_last_published_item": "never" };
    expectResult(await alice.iq("set", publishIq("urn:xmpp:bookmarks:1", "<conference xmlns='urn:xmpp:bookmarks:1'/>", { id: "room@muc.example", options: priv })));
    expectResult(await alice.iq("set", publishIq("urn:xmpp:bookmarks:1", "<conference xmlns='urn:xmpp:bookmarks:1'/>", { id: "room2@muc.example", options: { ...priv, "pubsub#persist_items": "1" } })));
  });

  it("§7.1.5: publish-options with an unknown field, a bad value or another FORM_TYPE are refused, and nothing is published", async () => {
    const node = "urn:test:opts";
    const unknown = await alice.iq("set", publishIq(node, "<x xmlns='urn:test'/>", { options: { "pubsub#frobnicate": "1" } }));
    expect(errorOf(unknown)[0]).toBe("not-acceptable");
    const bad = await alice.iq("set", publishIq(node, "<x xmlns='urn:test'/>", { options: { "pubsub#access_model": "everyone" } }));
    expect(errorOf(bad)[0]).toBe("not-acceptable");
    const tooMany = await alice.iq("set", publishIq(node, "<x xmlns='urn:test'/>", { options: { "pubsub#max_items": "6" } }));
    expect(errorOf(tooMany)[0]).toBe("not-acceptable");
    const wrongType = await alice.iq(
      "set",
      pubsub(`<publish node='${node}'><item><x xmlns='urn:test'/></item></publish><publish-options>${form("urn:other", { "pubsub#access_model": "open" })}</publish-options>`),
    );
    expect(errorOf(wrongType)[0]).toBe("bad-request");
    expect(errorOf(await items(alice, node, "/>"))[0]).toBe("item-not-found");
  });

  it("XEP-0060 §7.1.3: publish errors (no node, no item, no payload, two payloads, too big)", async () => {
    expect(errorOf(await alice.iq("set", pubsub("<publish><item><x xmlns='urn:test'/></item></publish>")))).toEqual(["bad-request", "nodeid-required"]);
    expect(errorOf(await alice.iq("set", pubsub("<publish node='n1'/>")))).toEqual(["bad-request", "item-required"]);
    expect(errorOf(await alice.iq("set", pubsub("<publish node='n1'><item id='1'/></publish>")))).toEqual(["bad-request", "payload-required"]);
    expect(errorOf(await alice.iq("set", pubsub("<publish node='n1'><item><a xmlns='urn:a'/><b xmlns='urn:b'/></item></publish>")))).toEqual(["bad-request", "invalid-payload"]);
    const big = `<x xmlns='urn:test'>${"y".repeat(3000)}</x>`;
    expect(errorOf(await alice.iq("set", publishIq("n1", big)))).toEqual(["not-acceptable", "payload-too-big"]);
  });

  it("the payload comes back exactly, prefixed namespaces and inherited namespaces included", async () => {
    const payload = "<geoloc xmlns='http://jabber.org/protocol/geoloc' xmlns:e='urn:ext' e:accuracy='3' xml:lang='en'><lat>45.44</lat><e:note>café ☕</e:note></geoloc>";
    expectResult(await alice.iq("set", publishIq("http://jabber.org/protocol/geoloc", payload, { id: "here" })));
    const got = expectResult(await items(alice, "http://jabber.org/protocol/geoloc", "/>"));
    const geo = got.getChild("pubsub", PUBSUB)!.getChild("items")!.getChild("item")!.getChild("geoloc", "http://jabber.org/protocol/geoloc")!;
    expect(geo.getChildText("lat")).toBe("45.44");
    expect(geo.attrs["xml:lang"]).toBe("en");
    expect(geo.attrs["e:accuracy"]).toBe("3");
    expect(geo.getChild("note", "urn:ext")?.getText()).toBe("café ☕");
  });

  it("XEP-0060 §8.1, §8.2, §8.3, §8.5: create (with configuration), conflict, configure, default, purge", async () => {
    const node = "urn:test:created";
    expectResult(await alice.iq("set", pubsub(`<create node='${node}'/><configure>${form("http://jabber.org/protocol/pubsub#node_config", { "pubsub#access_model": "open", "pubsub#max_items": "3", "pubsub#title": "Mine" })}</configure>`)));
    expect(errorOf(await alice.iq("set", pubsub(`<create node='${node}'/>`)))[0]).toBe("conflict");
    expect(errorOf(await alice.iq("set", pubsub("<create/>")))).toEqual(["not-acceptable", "nodeid-required"]);
    const cfg = expectResult(await alice.iq("get", pubsub(`<configure node='${node}'/>`, OWNER)));
    expect([configValue(cfg, "pubsub#access_model"), configValue(cfg, "pubsub#max_items"), configValue(cfg, "pubsub#title")]).toEqual(["open", "3", "Mine"]);
    expect(cfg.getChild("pubsub", OWNER)!.getChild("configure")!.getChild("x")!.getChildren("field")[0].getChildText("value")).toBe("http://jabber.org/protocol/pubsub#node_config");
    const bad = await alice.iq("set", pubsub(`<configure node='${node}'>${form("http://jabber.org/protocol/pubsub#node_config", { "pubsub#access_model": "authorize" })}</configure>`, OWNER));
    expect(errorOf(bad)[0]).toBe("not-acceptable");
    const dflt = expectResult(await alice.iq("get", pubsub("<default/>", OWNER)));
    expect(dflt.getChild("pubsub", OWNER)!.getChild("default")!.getChild("x")!.getChildren("field").find((f) => f.attrs.var === "pubsub#access_model")!.getChildText("value")).toBe("presence");
    for (const id of ["1", "2"]) expectResult(await alice.iq("set", publishIq(node, "<x xmlns='urn:test'/>", { id })));
    expectResult(await alice.iq("set", pubsub(`<purge node='${node}'/>`, OWNER)));
    expect(expectResult(await items(alice, node, "/>")).getChild("pubsub", PUBSUB)!.getChild("items")!.getChildren("item")).toEqual([]);
    expect(errorOf(await alice.iq("get", pubsub("<configure node='urn:test:none'/>", OWNER)))[0]).toBe("item-not-found");
  });

  it("retract removes named items; unknown items or nodes are item-not-found", async () => {
    const node = "urn:test:retract";
    for (const id of ["1", "2"]) expectResult(await alice.iq("set", publishIq(node, "<x xmlns='urn:test'/>", { id, options: { "pubsub#max_items": "5" } })));
    expectResult(await alice.iq("set", pubsub(`<retract node='${node}'><item id='1'/></retract>`)));
    const left = expectResult(await items(alice, node, "/>")).getChild("pubsub", PUBSUB)!.getChild("items")!.getChildren("item");
    expect(left.map((i) => i.attrs.id)).toEqual(["2"]);
    expect(errorOf(await alice.iq("set", pubsub(`<retract node='${node}'><item id='1'/></retract>`)))[0]).toBe("item-not-found");
    expect(errorOf(await alice.iq("set", pubsub("<retract node='urn:test:none'><item id='1'/></retract>")))[0]).toBe("item-not-found");
    expect(errorOf(await alice.iq("set", pubsub(`<retract node='${node}'/>`)))).toEqual(["bad-request", "item-required"]);
  });

  it("limits: the number of nodes per account", async () => {
    for (let i = 0; i < 12; i++) expectResult(await alice.iq("set", publishIq(`urn:test:n${i}`, "<x xmlns='urn:test'/>")));
    expect(errorOf(await alice.iq("set", publishIq("urn:test:one-too-many", "<x xmlns='urn:test'/>")))).toEqual(["not-allowed", "max-nodes-exceeded"]);
    // An existing node still takes items.
    expectResult(await alice.iq("set", publishIq("urn:test:n0", "<x xmlns='urn:test'/>")));
  });

  it("only the owner publishes, configures, retracts and deletes", async () => {
    const bob = (await pepUser(ts, "bob")).c;
    try {
      expectResult(await alice.iq("set", publishIq("urn:test:mine", "<x xmlns='urn:test'/>", { id: "1", options: { "pubsub#access_model": "open" } })));
      expect(errorOf(await bob.iq("set", publishIq("urn:test:mine", "<x xmlns='urn:test'/>"), alice.bare))[0]).toBe("forbidden");
      expect(errorOf(await bob.iq("set", pubsub("<retract node='urn:test:mine'><item id='1'/></retract>"), alice.bare))[0]).toBe("forbidden");
      expect(errorOf(await bob.iq("get", pubsub("<configure node='urn:test:mine'/>", OWNER), alice.bare))[0]).toBe("forbidden");
      expect(errorOf(await bob.iq("set", pubsub("<delete node='urn:test:mine'/>", OWNER), alice.bare))[0]).toBe("forbidden");
      // Bob's own publish goes to his own service, not Alice's.
      expectResult(await bob.iq("set", publishIq("urn:test:mine", "<x xmlns='urn:test'>bob</x>")));
      const a = expectResult(await items(alice, "urn:test:mine", "/>"));
      expect(a.getChild("pubsub", PUBSUB)!.getChild("items")!.getChildren("item").map((i) => i.attrs.id)).toEqual(["1"]);
    } finally {
      await bob.disconnect();
    }
  });
});

const TUNE_NODE = "http://jabber.org/protocol/tune";
