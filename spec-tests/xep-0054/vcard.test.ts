/**
 * XEP-0054 over real sockets: own vCard (§3.1, §3.2), another's (§3.3), refusals, size limit, disco (§4).
 */
import { startTestServer, TestServer } from "../support/harness";
import { errorCondition, TestClient } from "../support/test-client";

const VCARD = "vcard-temp";
let ts: TestServer;
let alice: TestClient;
let bob: TestClient;

beforeAll(async () => {
  ts = await startTestServer({ yaml: "vcard_size_limit: 2048" });
  await ts.addUser("alice", "pw-alice");
  await ts.addUser("bob", "pw-bob");
  await ts.addUser("carol", "pw-carol");
  alice = await TestClient.login(ts, "alice", "pw-alice");
  bob = await TestClient.login(ts, "bob", "pw-bob");
});
afterAll(async () => {
  await alice?.disconnect();
  await bob?.disconnect();
  await ts?.stop();
});

it("advertises vcard-temp on the server", async () => {
  const r = await alice.iq(`<iq type='get' to='localhost'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`);
  expect(r.getChild("query")!.getChildren("feature").map((f) => f.attrs.var)).toContain(VCARD);
});

it("returns an empty vCard to an account that has none (§3.1)", async () => {
  const r = await alice.iq(`<iq type='get'><vCard xmlns='vcard-temp'/></iq>`);
  expect(r.attrs.type).toBe("result");
  const v = r.getChild("vCard", VCARD)!;
  expect(v).toBeDefined();
  expect(v.children).toHaveLength(0);
});

it("stores the own vCard and returns it, to the owner and to others (§3.2, §3.3)", async () => {
  const set = await alice.iq(
    `<iq type='set'><vCard xmlns='vcard-temp'><FN>Alice Liddell</FN><N><FAMILY>Liddell</FAMILY><GIVEN>Alice</GIVEN></N>` +
      `<DESC>a &amp; b &lt;c&gt;</DESC><X xmlns='urn:example:ext' a='1'>ext</X></vCard></iq>`,
  );
  expect(set.attrs.type).toBe("result");

  const own = await alice.iq(`<iq type='get'><vCard xmlns='vcard-temp'/></iq>`);
  const v = own.getChild("vCard", VCARD)!;
  expect(v.getChildText("FN")).toBe("Alice Liddell");
  expect(v.getChild("N")!.getChildText("GIVEN")).toBe("Alice");
  expect(v.getChildText("DESC")).toBe("a & b <c>");
  expect(v.getChild("X", "urn:example:ext")!.attrs.a).toBe("1");

  const other = await bob.iq(`<iq type='get' to='alice@localhost'><vCard xmlns='vcard-temp'/></iq>`);
  expect(other.attrs.type).toBe("result");
  expect(other.attrs.from).toBe("alice@localhost");
  expect(other.getChild("vCard", VCARD)!.getChildText("FN")).toBe("Alice Liddell");
});

it("replaces the whole vCard on update (§3.2)", async () => {
  await alice.iq(`<iq type='set'><vCard xmlns='vcard-temp'><FN>Alice</FN><NICKNAME>al</NICKNAME></vCard></iq>`);
  const r = await bob.iq(`<iq type='get' to='alice@localhost'><vCard xmlns='vcard-temp'/></iq>`);
  const v = r.getChild("vCard", VCARD)!;
  expect(v.getChildText("FN")).toBe("Alice");
  expect(v.getChild("N")).toBeUndefined();
});

it("answers item-not-found for an account without a vCard and for no account at all (§3.3)", async () => {
  const none = await alice.iq(`<iq type='get' to='carol@localhost'><vCard xmlns='vcard-temp'/></iq>`);
  expect(none.attrs.type).toBe("error");
  expect(errorCondition(none)).toBe("item-not-found");
  const ghost = await alice.iq(`<iq type='get' to='nobody@localhost'><vCard xmlns='vcard-temp'/></iq>`);
  expect(errorCondition(ghost)).toBe("item-not-found");
});

it("refuses to set another account's vCard (§3.2) and leaves it unchanged", async () => {
  const r = await bob.iq(`<iq type='set' to='alice@localhost'><vCard xmlns='vcard-temp'><FN>Mallory</FN></vCard></iq>`);
  expect(r.attrs.type).toBe("error");
  expect(errorCondition(r)).toBe("forbidden");
  const check = await bob.iq(`<iq type='get' to='alice@localhost'><vCard xmlns='vcard-temp'/></iq>`);
  expect(check.getChild("vCard", VCARD)!.getChildText("FN")).toBe("Alice");
});

it("accepts the own bare JID as 'to' like no 'to'", async () => {
  const r = await bob.iq(`<iq type='set' to='bob@localhost'><vCard xmlns='vcard-temp'><FN>Bob</FN></vCard></iq>`);
  expect(r.attrs.type).toBe("result");
  const own = await bob.iq(`<iq type='get' to='bob@localhost'><vCard xmlns='vcard-temp'/></iq>`);
  expect(own.getChild("vCard", VCARD)!.getChildText("FN")).toBe("Bob");
});

it("refuses a vCard over vcard_size_limit and keeps the old one", async () => {
  const r = await bob.iq(`<iq type='set'><vCard xmlns='vcard-temp'><FN>Bob</FN><DESC>${"x".repeat(3000)}</DESC></vCard></iq>`);
  expect(errorCondition(r)).toBe("not-allowed");
  const own = await bob.iq(`<iq type='get'><vCard xmlns='vcard-temp'/></iq>`);
  expect(own.getChild("vCard", VCARD)!.getChild("DESC")).toBeUndefined();
});

it("an empty vCard clears it, so others get item-not-found again", async () => {
  await bob.iq(`<iq type='set'><vCard xmlns='vcard-temp'/></iq>`);
  const r = await alice.iq(`<iq type='get' to='bob@localhost'><vCard xmlns='vcard-temp'/></iq>`);
  expect(errorCondition(r)).toBe("item-not-found");
});
