/**
 * Stream management limits: the unacknowledged queue, and hibernating sessions per account.
 *
 * References:
 * - XEP-0198 §4 (the sender keeps unacknowledged stanzas), §5 (hibernation)
 * - reliability.md §7.6 DOS-06 (close at max unacked; at most 10 old sessions per account), §6 D2
 */
import { startTestServer, TestServer } from "../support/harness";
import { TestClient } from "../support/test-client";
import { boundSession, failedCondition, isChat, SmClient, waitDetached } from "./sm-client";

const MAX_QUEUE = 3;
let ts: TestServer;
const clients: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  ts = await startTestServer({ storage: "sqlite", yaml: `smacks_max_queue_size: ${MAX_QUEUE}\nsmacks_max_hibernated_sessions: 1` });
  for (const u of ["alice", "bob", "carol", "dave"]) await ts.addUser(u, `${u}-pw`);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
});
afterAll(async () => ts?.stop());

async function plain(user: string): Promise<TestClient> {
  const c = await TestClient.login(ts, user, `${user}-pw`);
  clients.push({ close: () => c.disconnect() });
  return c;
}

async function sm(user: string, resource?: string) {
  const { c, enabled } = await SmClient.enabled(ts, user, `${user}-pw`, { resource });
  clients.push(c);
  c.autoAck = false;
  return { c, id: enabled.attrs.id };
}

const stored = (user: string) => ts.server.storage.archive("localhost", "offline").count(user);

async function eventually(check: () => Promise<boolean>, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

it("closes a client that leaves too many stanzas unacknowledged with policy-violation, keeping them all", async () => {
  const { c: alice } = await sm("alice", "phone");
  const bob = await plain("bob");
  for (let n = 1; n <= MAX_QUEUE; n++) bob.send(`<message to='${alice.jid}' type='chat' id='q${n}'><body>${n}</body></message>`);
  for (let n = 1; n <= MAX_QUEUE; n++) await alice.expect((e) => isChat(e) && e.attrs.id === `q${n}`, `q${n}`);
  // At the limit the stream stays up.
  await alice.collect(() => false, 200);
  expect(alice.closed).toBe(false);
  bob.send(`<message to='${alice.jid}' type='chat' id='q${MAX_QUEUE + 1}'><body>one too many</body></message>`);
  expect(await alice.waitClosed()).toBe("policy-violation");
  // Not a resumable hibernation: the session ended and every unacknowledged message went to storage.
  await eventually(async () => (await stored("alice")) === MAX_QUEUE + 1, "all messages stored");
  expect(boundSession(ts, alice.jid!)).toBeUndefined();
});

it("ends a hibernating session whose queue overflows, and stores its messages", async () => {
  const { c: carol, id } = await sm("carol", "phone");
  await carol.vanish();
  await waitDetached(ts, carol.jid!);
  const bob = await plain("bob");
  for (let n = 1; n <= MAX_QUEUE + 1; n++) bob.send(`<message to='${carol.jid}' type='chat' id='h${n}'><body>${n}</body></message>`);
  await eventually(async () => (await stored("carol")) === MAX_QUEUE + 1, "all messages stored");
  const late = await SmClient.authenticated(ts, "carol", "carol-pw");
  clients.push(late);
  expect(failedCondition(await late.resume(id, 0))).toBe("item-not-found");
});

it("keeps at most smacks_max_hibernated_sessions per account; the oldest ends first (DOS-06)", async () => {
  const first = await sm("dave", "one");
  const second = await sm("dave", "two");
  await first.c.vanish();
  await waitDetached(ts, first.c.jid!);
  await second.c.vanish();
  await waitDetached(ts, second.c.jid!);
  await eventually(async () => boundSession(ts, first.c.jid!) === undefined, "the oldest hibernating session ended");

  const a = await SmClient.authenticated(ts, "dave", "dave-pw");
  clients.push(a);
  expect(failedCondition(await a.resume(first.id, 0))).toBe("item-not-found");
  const b = await SmClient.authenticated(ts, "dave", "dave-pw");
  clients.push(b);
  expect((await b.resume(second.id, 0)).name).toBe("resumed");
});
