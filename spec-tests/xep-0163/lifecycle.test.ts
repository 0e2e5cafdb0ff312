/**
 * XEP-0163 PEP nodes live in storage: they survive a restart (and notifications resume from
 * presence), and they go when the account goes.
 * XEP-0060 §7.1 (persistent items), XEP-0223 §3 (private data kept), XEP-0077 §3.2 (account removal).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startTestServer, TestServer } from "../support/harness";
import { configValue, errorOf, eventItems, expectResult, isEvent, OWNER, PepClient, pepLogin, publishIq, pubsub, PUBSUB, settle, TUNE, tune } from "./pep-support";
import { enterState } from "../rfc6121/subscription-support";

describe("XEP-0163 PEP: persistence and account removal", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "xmppd-pep-"));
  let ts: TestServer | undefined;
  const clients: PepClient[] = [];
  const login = async (local: string, opts: Parameters<typeof pepLogin>[2] = {}) => {
    const u = await pepLogin(ts!, local, opts);
    clients.push(u);
    return u;
  };
  const logoutAll = async () => Promise.all(clients.splice(0).map((u) => u.c.disconnect().catch(() => undefined)));
  afterEach(async () => {
    await logoutAll();
    await ts?.stop();
    ts = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("nodes, items and configuration survive a restart (SQLite); a subscriber coming online afterwards gets the last item", async () => {
    ts = await startTestServer({ storage: "sqlite", dir });
    await ts.addUser("alice", "pw");
    await ts.addUser("bob", "pw");
    let alice = await login("alice");
    let bob = await login("bob");
    await enterState(alice.c, bob.c, "Both");
    expectResult(await alice.c.iq("set", publishIq(TUNE, tune("Vaughan Williams"), { id: "lark", options: { "pubsub#access_model": "open" } })));
    const priv = { "pubsub#persist_items": "true", "pubsub#access_model": "whitelist", "pubsub#max_items": "max" };
    for (const id of ["a@muc", "b@muc"]) expectResult(await alice.c.iq("set", publishIq("urn:xmpp:bookmarks:1", "<conference xmlns='urn:xmpp:bookmarks:1'/>", { id, options: priv })));
    await logoutAll();
    await ts.stop();

    ts = await startTestServer({ storage: "sqlite", dir });
    alice = await login("alice");
    const got = expectResult(await alice.c.iq("get", pubsub(`<items node='${TUNE}'/>`)));
    const item = got.getChild("pubsub", PUBSUB)!.getChild("items")!.getChild("item")!;
    expect(item.attrs.id).toBe("lark");
    expect(item.getChild("tune", TUNE)?.getChildText("title")).toBe("Vaughan Williams");
    expect(configValue(expectResult(await alice.c.iq("get", pubsub(`<configure node='${TUNE}'/>`, OWNER))), "pubsub#access_model")).toBe("open");
    const marks = expectResult(await alice.c.iq("get", pubsub("<items node='urn:xmpp:bookmarks:1'/>")));
    expect(marks.getChild("pubsub", PUBSUB)!.getChild("items")!.getChildren("item").map((i) => i.attrs.id)).toEqual(["a@muc", "b@muc"]);
    // The publish-options of the earlier run are still met.
    expectResult(await alice.c.iq("set", publishIq("urn:xmpp:bookmarks:1", "<conference xmlns='urn:xmpp:bookmarks:1'/>", { id: "c@muc", options: priv })));

    bob = await login("bob", { notify: [TUNE] });
    const ev = await bob.c.waitFor(isEvent("alice@localhost", TUNE), "the last tune item after the restart");
    expect(eventItems(ev).map((i) => i.attrs.id)).toEqual(["lark"]);
  });

  it("deleting the account removes its nodes (SQLite); a new account of that name starts empty", async () => {
    ts = await startTestServer({ storage: "sqlite", dir });
    await ts.addUser("carol", "pw");
    const carol = await login("carol");
    expectResult(await carol.c.iq("set", publishIq(TUNE, tune("Tallis"), { options: { "pubsub#access_model": "open" } })));
    expectResult(await carol.c.iq("set", publishIq("urn:test:other", "<x xmlns='urn:test'/>")));
    await logoutAll();
    await ts.server.accounts.delete(ts.domain, "carol");
    await settle(50);
    await ts.addUser("carol", "pw");
    const again = await login("carol");
    expect(errorOf(await again.c.iq("get", pubsub(`<items node='${TUNE}'/>`)))[0]).toBe("item-not-found");
    const nodes = expectResult(await again.c.iq("get", "<query xmlns='http://jabber.org/protocol/disco#items'/>", again.c.bare));
    expect(nodes.getChild("query")!.getChildren("item")).toEqual([]);
    // The node count starts from zero too: it can be created again with another configuration.
    expectResult(await again.c.iq("set", publishIq(TUNE, tune("Byrd"), { options: { "pubsub#access_model": "presence" } })));
  });

  it("unloading the module takes the pubsub/pep identity and the pubsub features off the account's disco#info", async () => {
    ts = await startTestServer();
    await ts.addUser("dave", "pw");
    const dave = await login("dave");
    const info = async () => {
      const q = expectResult(await dave.c.iq("get", "<query xmlns='http://jabber.org/protocol/disco#info'/>")).getChild("query")!;
      return [...q.getChildren("identity").map((i) => `${i.attrs.category}/${i.attrs.type}`), ...q.getChildren("feature").map((f) => f.attrs.var)];
    };
    expect(await info()).toEqual(expect.arrayContaining(["pubsub/pep", `${PUBSUB}#publish`]));
    await ts.server.modules.unload("pep", ts.domain);
    const after = await info();
    expect(after).toContain("account/registered");
    expect(after.filter((x) => x === "pubsub/pep" || x.startsWith(PUBSUB))).toEqual([]);
    expect(errorOf(await dave.c.iq("get", pubsub(`<items node='${TUNE}'/>`)))[0]).toBe("service-unavailable");
  });
});
