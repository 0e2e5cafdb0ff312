/**
 * Stream management: the feature, enabling it, and the misuse rules, over real sockets.
 *
 * References:
 * - XEP-0198 §2 (feature only after authentication), §3 (enable after binding; <enabled id resume max/>;
 *   at most once), §5 (resume before binding only), §6 (<failed/> with a stanza error condition)
 * - reliability.md §7.3 AUTH-16 (resume before auth, after bind; enable twice)
 */
import { startTestServer, TestServer } from "../support/harness";
import { RawStream } from "../support/test-client";
import { nextElement } from "../runner/expect";
import { failedCondition, NS_SM, SmClient } from "./sm-client";

let ts: TestServer;
const open: SmClient[] = [];

beforeAll(async () => {
  ts = await startTestServer();
  await ts.addUser("alice", "alice-pw");
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close().catch(() => undefined)));
});
afterAll(async () => ts?.stop());

async function authenticated(): Promise<SmClient> {
  const c = await SmClient.authenticated(ts, "alice", "alice-pw");
  open.push(c);
  return c;
}

it("offers <sm xmlns='urn:xmpp:sm:3'/> after authentication and not before (§2)", async () => {
  const raw = await RawStream.open(ts);
  try {
    expect(raw.features.getChild("sm", NS_SM)).toBeUndefined();
  } finally {
    await raw.close();
  }
  const c = await authenticated();
  expect(c.smOffered).toBe(true);
});

it("answers <enable resume='true'/> after binding with <enabled id resume max/> (§3, §5)", async () => {
  const c = await authenticated();
  await c.bind("desk");
  const enabled = await c.enable(true);
  expect(enabled.name).toBe("enabled");
  expect(enabled.attrs.id).toMatch(/^\S{16,}$/);
  expect(enabled.attrs.resume).toBe("true");
  // Prosody's default hibernation time, 10 minutes.
  expect(enabled.attrs.max).toBe("600");
});

it("gives each resumable session its own SM-ID (§5)", async () => {
  const a = await authenticated();
  await a.bind("one");
  const b = await authenticated();
  await b.bind("two");
  const [ea, eb] = [await a.enable(), await b.enable()];
  expect(ea.attrs.id).not.toBe(eb.attrs.id);
});

it("shortens the resumption time to the client's 'max', never lengthens it (§3)", async () => {
  const c = await authenticated();
  await c.bind();
  const enabled = await c.enable(true, " max='30'");
  expect(enabled.attrs.max).toBe("30");
  const d = await authenticated();
  await d.bind();
  expect((await d.enable(true, " max='100000'")).attrs.max).toBe("600");
});

it("enables acks without resumption when the client does not ask for it: no id (§3)", async () => {
  const c = await authenticated();
  await c.bind();
  const enabled = await c.enable(false);
  expect(enabled.name).toBe("enabled");
  expect(enabled.attrs.id).toBeUndefined();
  expect(enabled.attrs.resume).toBeUndefined();
  expect(await c.requestAck()).toBe(0);
});

it("refuses <enable/> before binding with <failed><unexpected-request/></failed>, and binding still works (§3, §6)", async () => {
  const c = await authenticated();
  const failed = await c.enable(true);
  expect(failed.name).toBe("failed");
  expect(failedCondition(failed)).toBe("unexpected-request");
  expect(await c.bind("later")).toMatch(/^alice@localhost\/later$/);
  expect((await c.enable(true)).name).toBe("enabled");
});

it("refuses a second <enable/> with <failed><unexpected-request/></failed> and keeps counting (AUTH-16)", async () => {
  const c = await authenticated();
  await c.bind();
  expect((await c.enable(true)).name).toBe("enabled");
  c.send("<iq type='get' id='p1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
  await c.expect((e) => e.name === "iq" && e.attrs.id === "p1", "the pong");
  const again = await c.enable(true);
  expect(again.name).toBe("failed");
  expect(failedCondition(again)).toBe("unexpected-request");
  // The first SM session is untouched: its count survived.
  expect(await c.requestAck()).toBe(1);
});

it("refuses <enable/> and <resume/> before authentication with <failed><not-authorized/></failed> (AUTH-16)", async () => {
  const raw = await RawStream.open(ts);
  try {
    raw.conn.send(`<enable xmlns='${NS_SM}' resume='true'/>`);
    const f1 = await nextElement(raw.conn, 5000, "<failed/>");
    expect([f1.name, failedCondition(f1)]).toEqual(["failed", "not-authorized"]);
    raw.conn.send(`<resume xmlns='${NS_SM}' previd='anything' h='0'/>`);
    const f2 = await nextElement(raw.conn, 5000, "<failed/>");
    expect([f2.name, failedCondition(f2)]).toEqual(["failed", "not-authorized"]);
  } finally {
    await raw.close();
  }
});

it("refuses <resume/> after binding with <failed><unexpected-request/></failed> (§5, AUTH-16)", async () => {
  const { c, enabled } = await SmClient.enabled(ts, "alice", "alice-pw");
  open.push(c);
  const failed = await c.resume(enabled.attrs.id, 0);
  expect([failed.name, failedCondition(failed)]).toEqual(["failed", "unexpected-request"]);
});
