/**
 * XEP-0049 over real sockets: store and retrieve (§2.3), refusals (§2.3, §3), quotas.
 */
import { startTestServer, TestServer } from "../support/harness";
import { errorCondition, TestClient } from "../support/test-client";

const PRIVATE = "jabber:iq:private";
let ts: TestServer;
let alice: TestClient;
let bob: TestClient;

beforeAll(async () => {
  ts = await startTestServer({ yaml: "private_max_items: 3\nprivate_size_limit: 2048" });
  await ts.addUser("alice", "pw-alice");
  await ts.addUser("bob", "pw-bob");
  alice = await TestClient.login(ts, "alice", "pw-alice");
  bob = await TestClient.login(ts, "bob", "pw-bob");
});
afterAll(async () => {
  await alice?.disconnect();
  await bob?.disconnect();
  await ts?.stop();
});

it("stores a namespaced fragment and returns it (§2.3)", async () => {
  const set = await alice.iq(`<iq type='set'><query xmlns='jabber:iq:private'><exodus xmlns='exodus:prefs'><defaultnick>Hamlet</defaultnick></exodus></query></iq>`);
  expect(set.attrs.type).toBe("result");
  const get = await alice.iq(`<iq type='get'><query xmlns='jabber:iq:private'><exodus xmlns='exodus:prefs'/></query></iq>`);
  expect(get.attrs.type).toBe("result");
  const stored = get.getChild("query", PRIVATE)!.getChild("exodus", "exodus:prefs")!;
  expect(stored.getChildText("defaultnick")).toBe("Hamlet");
});

it("keeps fragments apart by namespace and by element name", async () => {
  await alice.iq(`<iq type='set'><query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'><conference jid='room@muc.example' autojoin='true'/></storage></query></iq>`);
  await alice.iq(`<iq type='set'><query xmlns='jabber:iq:private'><other xmlns='exodus:prefs'>o</other></query></iq>`);
  const bm = await alice.iq(`<iq type='get'><query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'/></query></iq>`);
  expect(bm.getChild("query", PRIVATE)!.getChild("storage", "storage:bookmarks")!.getChild("conference")!.attrs.jid).toBe("room@muc.example");
  const ex = await alice.iq(`<iq type='get'><query xmlns='jabber:iq:private'><exodus xmlns='exodus:prefs'/></query></iq>`);
  expect(ex.getChild("query", PRIVATE)!.getChild("exodus", "exodus:prefs")!.getChildText("defaultnick")).toBe("Hamlet");
});

it("returns the requested element empty when nothing is stored", async () => {
  const get = await bob.iq(`<iq type='get'><query xmlns='jabber:iq:private'><exodus xmlns='exodus:prefs'/></query></iq>`);
  expect(get.attrs.type).toBe("result");
  const e = get.getChild("query", PRIVATE)!.getChild("exodus", "exodus:prefs")!;
  expect(e.children).toHaveLength(0);
});

it("is private: another user cannot read or write it (§2.3: forbidden)", async () => {
  const get = await bob.iq(`<iq type='get' to='alice@localhost'><query xmlns='jabber:iq:private'><exodus xmlns='exodus:prefs'/></query></iq>`);
  expect(errorCondition(get)).toBe("forbidden");
  const set = await bob.iq(`<iq type='set' to='alice@localhost'><query xmlns='jabber:iq:private'><exodus xmlns='exodus:prefs'><defaultnick>Macbeth</defaultnick></exodus></query></iq>`);
  expect(errorCondition(set)).toBe("forbidden");
  const check = await alice.iq(`<iq type='get'><query xmlns='jabber:iq:private'><exodus xmlns='exodus:prefs'/></query></iq>`);
  expect(check.getChild("query", PRIVATE)!.getChild("exodus", "exodus:prefs")!.getChildText("defaultnick")).toBe("Hamlet");
});

it("refuses reserved namespaces with not-acceptable (§2.3)", async () => {
  for (const frag of [`<vCard xmlns='vcard-temp'><FN>Hamlet</FN></vCard>`, `<query xmlns='jabber:iq:roster'/>`, `<x xmlns='http://jabber.org/protocol/muc'/>`, `<bare/>`]) {
    const set = await alice.iq(`<iq type='set'><query xmlns='jabber:iq:private'>${frag}</query></iq>`);
    expect([frag, errorCondition(set)]).toEqual([frag, "not-acceptable"]);
  }
  const get = await alice.iq(`<iq type='get'><query xmlns='jabber:iq:private'><query xmlns='jabber:iq:roster'/></query></iq>`);
  expect(errorCondition(get)).toBe("not-acceptable");
});

it("refuses an empty query: set not-acceptable, get bad-request; and a get for two namespaces", async () => {
  expect(errorCondition(await alice.iq(`<iq type='set'><query xmlns='jabber:iq:private'/></iq>`))).toBe("not-acceptable");
  expect(errorCondition(await alice.iq(`<iq type='get'><query xmlns='jabber:iq:private'/></iq>`))).toBe("bad-request");
  expect(errorCondition(await alice.iq(`<iq type='get'><query xmlns='jabber:iq:private'><a xmlns='urn:a'/><b xmlns='urn:b'/></query></iq>`))).toBe("bad-request");
});

it("enforces private_size_limit and private_max_items with not-allowed", async () => {
  const big = await bob.iq(`<iq type='set'><query xmlns='jabber:iq:private'><big xmlns='urn:big'>${"x".repeat(3000)}</big></query></iq>`);
  expect(errorCondition(big)).toBe("not-allowed");
  for (const n of [1, 2, 3]) {
    expect((await bob.iq(`<iq type='set'><query xmlns='jabber:iq:private'><n${n} xmlns='urn:n'>v</n${n}></query></iq>`)).attrs.type).toBe("result");
  }
  expect(errorCondition(await bob.iq(`<iq type='set'><query xmlns='jabber:iq:private'><n4 xmlns='urn:n'>v</n4></query></iq>`))).toBe("not-allowed");
  // Replacing an existing fragment is not a new item.
  expect((await bob.iq(`<iq type='set'><query xmlns='jabber:iq:private'><n1 xmlns='urn:n'>w</n1></query></iq>`)).attrs.type).toBe("result");
  // Clearing one makes room again.
  expect((await bob.iq(`<iq type='set'><query xmlns='jabber:iq:private'><n2 xmlns='urn:n'/></query></iq>`)).attrs.type).toBe("result");
  expect((await bob.iq(`<iq type='set'><query xmlns='jabber:iq:private'><n4 xmlns='urn:n'>v</n4></query></iq>`)).attrs.type).toBe("result");
});
