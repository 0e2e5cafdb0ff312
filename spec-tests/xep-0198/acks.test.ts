/**
 * Stream management acks in both directions, over real sockets.
 *
 * References:
 * - XEP-0198 §4 (h counts handled stanzas, not nonzas; <r/> is answered at once; the sender keeps
 *   stanzas until an ack covers them), §6 (h higher than sent: undefined-condition + handled-count-too-high)
 * - reliability.md §6 D1 (h advances only once a stanza is handled, e.g. committed to offline storage)
 */
import { defineModule } from "../../lib/module-host/define";
import { startTestServer, TestServer } from "../support/harness";
import { TestClient } from "../support/test-client";
import { bodyOf, hasDelay, isChat, NS_SM, SmClient, sleep } from "./sm-client";

const STORE_DELAY_MS = 400;

/** Makes offline storage slow, so an early ack would be visible. */
const slowOffline = defineModule({
  name: "slow-offline",
  summary: "test: delays offline storage",
  scope: "host",
  setup(mod) {
    mod.hook("message/offline/handle", async () => {
      await sleep(STORE_DELAY_MS);
      return undefined;
    }, 100);
  },
});

let ts: TestServer;
const clients: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  ts = await startTestServer({ storage: "sqlite", yaml: "smacks_hibernation_time: 1s", extraModules: [slowOffline] });
  for (const u of ["alice", "bob", "carol", "dave", "erin"]) await ts.addUser(u, `${u}-pw`);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
});
afterAll(async () => ts?.stop());

async function smClient(user: string, resource?: string, resume = true): Promise<SmClient> {
  const { c } = await SmClient.enabled(ts, user, `${user}-pw`, { resource, resume });
  clients.push(c);
  return c;
}

async function plainClient(user: string): Promise<TestClient> {
  const c = await TestClient.login(ts, user, `${user}-pw`);
  clients.push({ close: () => c.disconnect() });
  return c;
}

const stored = (user: string) => ts.server.storage.archive("localhost", "offline").count(user);

it("answers <r/> with the number of stanzas handled, not counting nonzas (§4)", async () => {
  const c = await smClient("alice");
  expect(await c.requestAck()).toBe(0);
  c.send("<iq type='get' id='p1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
  c.send(`<a xmlns='${NS_SM}' h='0'/>`);
  c.send("<presence/>");
  c.send(`<r xmlns='${NS_SM}'/>`);
  expect(Number((await c.expectNonza((e) => e.name === "a", "<a/>")).attrs.h)).toBe(2);
  c.send("<message to='localhost' id='m1'><body>to the server</body></message>");
  expect(await c.requestAck()).toBe(3);
});

it("acknowledges a message to an offline user only once it is in offline storage (D1)", async () => {
  const c = await smClient("alice");
  expect(await stored("dave")).toBe(0);
  const sentAt = Date.now();
  c.send("<message to='dave@localhost' type='chat' id='off1'><body>kept for dave</body></message>");
  c.send(`<r xmlns='${NS_SM}'/>`);
  const a = await c.expectNonza((e) => e.name === "a", "<a/>");
  expect(a.attrs.h).toBe("1");
  expect(Date.now() - sentAt).toBeGreaterThanOrEqual(STORE_DELAY_MS - 20);
  // The ack covers the message: it is committed by the time the client hears h=1.
  expect(await stored("dave")).toBe(1);
});

it("asks the client for acks and keeps only what it did not acknowledge (§4)", async () => {
  const alice = await smClient("alice", "phone");
  alice.autoAck = false;
  const bob = await plainClient("bob");
  for (const n of [1, 2, 3]) bob.send(`<message to='${alice.jid}' type='chat' id='b${n}'><body>bob ${n}</body></message>`);
  const got = [];
  for (const n of [1, 2, 3]) got.push(await alice.expect((e) => isChat(e) && e.attrs.id === `b${n}`, `message b${n}`));
  expect(got.map(bodyOf)).toEqual(["bob 1", "bob 2", "bob 3"]);
  // The server asked for an ack by itself.
  await alice.collect(() => false, 200);
  expect(alice.requests).toBeGreaterThan(0);
  // Acknowledge the first two only, then lose the connection.
  alice.send(`<a xmlns='${NS_SM}' h='2'/>`);
  await alice.requestAck();
  await alice.vanish();

  // After the 1 s hibernation only the unacknowledged one went to offline storage.
  await sleep(1000 + STORE_DELAY_MS + 500);
  expect(await stored("alice")).toBe(1);
  const again = await plainClient("alice");
  again.send("<presence/>");
  const m = await again.expect((e) => e.name === "message" && e.attrs.type === "chat", "the stored message");
  expect(m.attrs.id).toBe("b3");
  expect(hasDelay(m)).toBe(true);
  await again.expectNone((e) => e.name === "message" && e.attrs.type === "chat", "another stored message", 300);
});

it("closes the stream with undefined-condition and <handled-count-too-high/> on an ack for more than was sent (§6)", async () => {
  const c = await smClient("carol");
  c.send("<iq type='get' id='p1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
  await c.expect((e) => e.name === "iq" && e.attrs.id === "p1", "the pong");
  c.send(`<a xmlns='${NS_SM}' h='5'/>`);
  expect(await c.waitClosed()).toBe("undefined-condition");
  const detail = c.streamErrorElement?.getChild("handled-count-too-high", NS_SM);
  expect(detail?.attrs).toMatchObject({ h: "5", "send-count": "1" });
});

it("closes the stream with invalid-xml on an <a/> without a usable h", async () => {
  const c = await smClient("carol");
  c.send(`<a xmlns='${NS_SM}' h='-1'/>`);
  expect(await c.waitClosed()).toBe("invalid-xml");
});

it("does not understand <r/> on a stream without stream management", async () => {
  const c = await SmClient.authenticated(ts, "erin", "erin-pw");
  clients.push(c);
  await c.bind();
  c.send(`<r xmlns='${NS_SM}'/>`);
  expect(await c.waitClosed()).toBe("unsupported-stanza-type");
});
