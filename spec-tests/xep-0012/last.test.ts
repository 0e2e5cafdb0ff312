/**
 * XEP-0012 over real sockets: server uptime (§5), last logout of an account (§3), who may ask (§3, §8).
 */
import { startTestServer, TestServer } from "../support/harness";
import { errorCondition, TestClient } from "../support/test-client";

const LAST = "jabber:iq:last";
let ts: TestServer;

beforeAll(async () => {
  ts = await startTestServer();
  for (const u of ["alice", "bob", "carol", "dave", "erin"]) await ts.addUser(u, `pw-${u}`);
});
afterAll(async () => ts?.stop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const login = (user: string, resource: string) => TestClient.login(ts, user, `pw-${user}`, { resource });

async function goAvailable(c: TestClient): Promise<void> {
  c.send(`<presence/>`);
  await c.expect((e) => e.name === "presence" && e.attrs.from === c.jid, "own presence");
}

async function logout(c: TestClient, status: string): Promise<void> {
  c.send(`<presence type='unavailable'><status>${status}</status></presence>`);
  await c.disconnect();
}

it("answers a query to the server with its uptime (§5) and advertises jabber:iq:last", async () => {
  const c = await login("carol", "uptime");
  await sleep(1100);
  const r = await c.iq(`<iq type='get' to='localhost'><query xmlns='jabber:iq:last'/></iq>`);
  expect(r.attrs.type).toBe("result");
  const seconds = Number(r.getChild("query", LAST)!.attrs.seconds);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThan(600);
  expect(r.getChild("query", LAST)!.getText()).toBe("");
  const disco = await c.iq(`<iq type='get' to='localhost'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`);
  expect(disco.getChild("query")!.getChildren("feature").map((f) => f.attrs.var)).toContain(LAST);
  await c.disconnect();
});

it("has nothing to say before the first logout (item-not-found)", async () => {
  const c = await login("bob", "first");
  const r = await c.iq(`<iq type='get'><query xmlns='jabber:iq:last'/></iq>`);
  expect(errorCondition(r)).toBe("item-not-found");
  await c.disconnect();
});

it("reports 0 seconds while a resource is available (§3)", async () => {
  const a = await login("alice", "home");
  await goAvailable(a);
  const other = await login("alice", "probe");
  const r = await other.iq(`<iq type='get'><query xmlns='jabber:iq:last'/></iq>`);
  expect(r.getChild("query", LAST)!.attrs.seconds).toBe("0");
  await other.disconnect();
  await a.disconnect();
});

it("records the logout of the last resource, with its unavailable status (§3)", async () => {
  const one = await login("alice", "one");
  const two = await login("alice", "two");
  await goAvailable(one);
  await goAvailable(two);
  await logout(one, "first to leave");
  await logout(two, "Heading Home");
  await sleep(1100);

  const back = await login("alice", "back");
  const r = await back.iq(`<iq type='get' to='alice@localhost'><query xmlns='jabber:iq:last'/></iq>`);
  expect(r.attrs.type).toBe("result");
  const q = r.getChild("query", LAST)!;
  expect(Number(q.attrs.seconds)).toBeGreaterThanOrEqual(1);
  expect(Number(q.attrs.seconds)).toBeLessThan(60);
  expect(q.getText()).toBe("Heading Home");
  await back.disconnect();
});

it("refuses the account's last activity to others who are not subscribed to its presence (forbidden)", async () => {
  const b = await login("bob", "nosy");
  const r = await b.iq(`<iq type='get' to='alice@localhost'><query xmlns='jabber:iq:last'/></iq>`);
  expect(errorCondition(r)).toBe("forbidden");
  const ghost = await b.iq(`<iq type='get' to='nobody@localhost'><query xmlns='jabber:iq:last'/></iq>`);
  expect(errorCondition(ghost)).toBe("forbidden");
  await b.disconnect();
});

it("answers a contact subscribed to the account's presence (§3: 'from' or 'both'), and stops when the subscription is cancelled", async () => {
  const erin = await login("erin", "desk");
  const dave = await login("dave", "phone");
  await goAvailable(erin);
  await goAvailable(dave);
  // dave asks for erin's presence; erin approves: dave is now a subscriber of erin ('from' on erin's side).
  dave.send(`<presence to='erin@localhost' type='subscribe'/>`);
  await erin.expect((e) => e.name === "presence" && e.attrs.type === "subscribe", "the subscription request");
  erin.send(`<presence to='dave@localhost' type='subscribed'/>`);
  // The approval reaches resources that requested the roster; every available one gets erin's presence.
  await dave.expect((e) => e.name === "presence" && e.attrs.from === erin.jid && e.attrs.type === undefined, "erin's presence after the approval");
  const ok = await dave.iq(`<iq type='get' to='erin@localhost'><query xmlns='jabber:iq:last'/></iq>`);
  expect(ok.attrs.type).toBe("result");
  expect(ok.getChild("query", LAST)!.attrs.seconds).toBe("0");
  // erin cancels dave's subscription: the answer becomes forbidden again.
  erin.send(`<presence to='dave@localhost' type='unsubscribed'/>`);
  await dave.expect((e) => e.name === "presence" && e.attrs.from === erin.jid && e.attrs.type === "unavailable", "erin's unavailable after the cancellation");
  const refused = await dave.iq(`<iq type='get' to='erin@localhost'><query xmlns='jabber:iq:last'/></iq>`);
  expect(errorCondition(refused)).toBe("forbidden");
  await dave.disconnect();
  await erin.disconnect();
});
