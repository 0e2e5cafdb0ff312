/**
 * What happens to stanzas a client never acknowledged when its session ends without resumption:
 * another resource, offline storage with a delay stamp, or an error to the sender; never nothing.
 *
 * References:
 * - XEP-0198 §4 (unacknowledged stanzas are treated like stanzas to an unavailable resource), §7
 *   (</stream:stream> ends the session at once)
 * - RFC 6121 §8.5.2 (bare-JID delivery), XEP-0160 §2 (offline storage), XEP-0203 §2 (delay)
 * - reliability.md §6 D2 (unacked outbound stanzas are never silently dropped), D9 (shutdown moves SM
 *   queues to offline storage), §7.7 DUR-03
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startTestServer, TestServer } from "../support/harness";
import { TestClient } from "../support/test-client";
import { bodyOf, errorCondition, hasDelay, isChat, SmClient, waitDetached } from "./sm-client";

let ts: TestServer;
const clients: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  ts = await startTestServer({ storage: "sqlite" });
  for (const u of ["alice", "bob", "carol", "dave"]) await ts.addUser(u, `${u}-pw`);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
});
afterAll(async () => ts?.stop());

async function plain(user: string, resource?: string): Promise<TestClient> {
  const c = await TestClient.login(ts, user, `${user}-pw`, { resource });
  clients.push({ close: () => c.disconnect() });
  return c;
}

async function sm(user: string, resource: string, resume: boolean): Promise<SmClient> {
  const { c } = await SmClient.enabled(ts, user, `${user}-pw`, { resource, resume });
  clients.push(c);
  c.autoAck = false;
  return c;
}

const stored = (user: string) => ts.server.storage.archive("localhost", "offline").count(user);

async function eventually(check: () => Promise<boolean>, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

it("stores a non-resumable session's unacknowledged messages offline as soon as its connection is lost", async () => {
  const alice = await sm("alice", "phone", false);
  const bob = await plain("bob");
  bob.send(`<message to='${alice.jid}' type='chat' id='u1'><body>first</body></message>`);
  bob.send(`<message to='${alice.jid}' type='chat' id='u2'><body>second</body></message>`);
  for (const id of ["u1", "u2"]) await alice.expect((e) => isChat(e) && e.attrs.id === id, id);
  await alice.vanish();
  await eventually(async () => (await stored("alice")) === 2, "both messages stored");
  await bob.expectNone((e) => e.name === "message" && e.attrs.type === "error", "a bounce", 200);

  const again = await plain("alice");
  again.send("<presence/>");
  const got = [await again.expect(isChat, "the first stored message"), await again.expect(isChat, "the second stored message")];
  expect(got.map((m) => m.attrs.id)).toEqual(["u1", "u2"]);
  expect(got.every(hasDelay)).toBe(true);
});

it("ends a resumable session at once on </stream:stream> and stores what it did not acknowledge (§7)", async () => {
  const carol = await sm("carol", "phone", true);
  const bob = await plain("bob");
  bob.send(`<message to='${carol.jid}' type='chat' id='c1'><body>before you go</body></message>`);
  await carol.expect((e) => isChat(e) && e.attrs.id === "c1", "c1");
  await carol.close();
  await eventually(async () => (await stored("carol")) === 1, "the message stored");
  expect(ts.server.sessions.resources("localhost", "carol")).toEqual([]);
});

it("hands unacknowledged messages to the account's other available resource", async () => {
  const desk = await plain("dave", "desk");
  desk.send("<presence/>");
  await desk.expect((e) => e.name === "presence", "its own presence");
  const phone = await sm("dave", "phone", false);
  const bob = await plain("bob");
  bob.send(`<message to='${phone.jid}' type='chat' id='d1'><body>for the phone</body></message>`);
  await phone.expect((e) => isChat(e) && e.attrs.id === "d1", "d1");
  await phone.vanish();
  const m = await desk.expect((e) => isChat(e) && e.attrs.id === "d1", "the phone's message on the desk");
  expect(bodyOf(m)).toBe("for the phone");
  expect(hasDelay(m)).toBe(true);
  expect(await stored("dave")).toBe(0);
});

it("answers an unacknowledged IQ request with recipient-unavailable when the session ends", async () => {
  const alice = await sm("alice", "tablet", true);
  const bob = await plain("bob");
  bob.send(`<iq type='get' id='v1' to='${alice.jid}'><query xmlns='jabber:iq:version'/></iq>`);
  await alice.expect((e) => e.name === "iq" && e.attrs.id === "v1", "the IQ");
  await alice.vanish();
  await waitDetached(ts, alice.jid!);
  // Still hibernating: nothing yet.
  await bob.expectNone((e) => e.name === "iq" && e.attrs.id === "v1", "an answer", 300);
  ts.server.sessions.all().find((s) => s.jid?.toString() === alice.jid)!.close();
  const err = await bob.expect((e) => e.name === "iq" && e.attrs.id === "v1", "the error");
  expect(err.attrs.type).toBe("error");
  expect(errorCondition(err)).toBe("recipient-unavailable");
});

it("moves hibernating and live sessions' unacknowledged messages to offline storage on shutdown (D9)", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "xmppd-sm-"));
  try {
    const first = await startTestServer({ storage: "sqlite", dir });
    for (const u of ["erin", "frank", "bob"]) await first.addUser(u, `${u}-pw`);
    const login = async (user: string, resource: string) => (await SmClient.enabled(first, user, `${user}-pw`, { resource })).c;
    const erin = await login("erin", "phone");
    const frank = await login("frank", "phone");
    erin.autoAck = frank.autoAck = false;
    const bob = await TestClient.login(first, "bob", "bob-pw");
    bob.send(`<message to='${erin.jid}' type='chat' id='e1'><body>for erin</body></message>`);
    bob.send(`<message to='${frank.jid}' type='chat' id='f1'><body>for frank</body></message>`);
    await erin.expect((e) => isChat(e) && e.attrs.id === "e1", "e1");
    await frank.expect((e) => isChat(e) && e.attrs.id === "f1", "f1");
    await erin.vanish();
    await waitDetached(first, erin.jid!);
    await first.stop();
    await frank.vanish();

    const second = await startTestServer({ storage: "sqlite", dir });
    try {
      const archive = second.server.storage.archive("localhost", "offline");
      expect(await archive.count("erin")).toBe(1);
      expect(await archive.count("frank")).toBe(1);
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
