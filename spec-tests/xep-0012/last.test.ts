/**
 * XEP-0012 over real sockets: server uptime (§5), last logout of an account (§3), who may ask (§3, §8).
 */
import { startTestServer, TestServer } from "../support/harness";
import { errorCondition, TestClient } from "../support/test-client";

const LAST = "jabber:iq:last";
let ts: TestServer;

beforeAll(async () => {
  ts = await startTestServer();
  for (const u of ["alice", "bob", "carol"]) await ts.addUser(u, `pw-${u}`);
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

it("refuses the account's last activity to others (forbidden), who cannot yet be subscribed", async () => {
  const b = await login("bob", "nosy");
  const r = await b.iq(`<iq type='get' to='alice@localhost'><query xmlns='jabber:iq:last'/></iq>`);
  expect(errorCondition(r)).toBe("forbidden");
  const ghost = await b.iq(`<iq type='get' to='nobody@localhost'><query xmlns='jabber:iq:last'/></iq>`);
  expect(errorCondition(ghost)).toBe("forbidden");
  await b.disconnect();
});
