/**
 * Stream-level robustness over real sockets:
 * - RFC 6120 §4.6.1 / §4.6.2: whitespace keepalives count as activity; idle connections are closed.
 * - RFC 6120 §6.4.5: after a few SASL failures on one connection, the server closes it.
 * - RFC 6120 §8.3.3.5 and our error rules: a bug in one IQ handler becomes internal-server-error
 *   for that stanza, is logged, and the process and other sessions go on.
 */
import { defineModule } from "../../lib/module-host/define";
import { Priority } from "../../lib/events";
import { nextElement, nextInbound } from "../runner/expect";
import type { XmlConnection } from "../runner/connection";
import { startTestServer, TestServer } from "../support/harness";
import { errorCondition, RawStream, TestClient } from "../support/test-client";

const broken = defineModule({
  name: "broken-for-tests",
  summary: "throws from an IQ handler and from a message hook",
  scope: "host",
  setup(mod) {
    mod.iq.get("host", "urn:test:broken", "query", () => {
      throw new Error("deliberate bug in an IQ handler");
    });
    mod.hook("message/bare", (ev: { stanza: { getChildText(n: string): string | null } }) => {
      if (ev.stanza.getChildText("body") === "crash") throw new Error("deliberate bug in a message hook");
      return undefined;
    }, Priority.HIGH);
  },
});

/** The next inbound item must be a stream error with this condition. */
async function expectStreamError(conn: XmlConnection, condition: string): Promise<void> {
  const ev = await nextInbound(conn, 5000, "a stream error");
  if (ev.kind !== "element") throw new Error(`expected a stream error, got ${ev.kind}`);
  expect(ev.el.name).toBe("error");
  expect(ev.el.attrs.xmlns).toBe("http://etherx.jabber.org/streams");
  expect(ev.el.getChild(condition, "urn:ietf:params:xml:ns:xmpp-streams")).toBeDefined();
}

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer({ yaml: "c2s_timeout: 1s\nmax_auth_failures: 3", extraModules: [broken as never] });
  await ts.addUser("romeo", "pw");
  await ts.addUser("juliet", "pw");
});
afterAll(async () => ts?.stop());

describe("idle connections", () => {
  it("closes a connection that stays silent longer than c2s_timeout, with connection-timeout", async () => {
    const raw = await RawStream.open(ts);
    const started = Date.now();
    await expectStreamError(raw.conn, "connection-timeout");
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await raw.close();
  });

  it("keeps a connection that sends whitespace keepalives", async () => {
    const c = await TestClient.login(ts, "romeo", "pw");
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 300));
      c.send(" ");
    }
    // 1.8 s have passed with only keepalives: the session must still answer.
    const pong = await c.iq(`<iq type='get' to='${ts.domain}'><ping xmlns='urn:xmpp:ping'/></iq>`);
    expect(pong.attrs.type).toBe("result");
    await c.disconnect();
  });
});

describe("authentication failures", () => {
  it("closes the connection after max_auth_failures failed attempts", async () => {
    const raw = await RawStream.open(ts);
    const wrong = Buffer.from("\0romeo\0wrong").toString("base64");
    for (let i = 0; i < 2; i++) {
      raw.conn.send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${wrong}</auth>`);
      const f = await nextElement(raw.conn, 5000, "a SASL failure");
      expect(f.name).toBe("failure");
    }
    raw.conn.send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${wrong}</auth>`);
    expect((await nextElement(raw.conn, 5000, "the third failure")).name).toBe("failure");
    await expectStreamError(raw.conn, "policy-violation");
    await raw.close();
  });
});

describe("a bug in a handler", () => {
  it("answers internal-server-error for that IQ, logs it, and the session and others go on", async () => {
    const romeo = await TestClient.login(ts, "romeo", "pw");
    const juliet = await TestClient.login(ts, "juliet", "pw");
    const reply = await romeo.iq(`<iq type='get' to='${ts.domain}'><query xmlns='urn:test:broken'/></iq>`);
    expect(reply.attrs.type).toBe("error");
    expect(errorCondition(reply)).toBe("internal-server-error");
    expect(ts.logLines.some((l) => l.includes("IQ handler failed") && l.includes("deliberate bug in an IQ handler"))).toBe(true);
    const pong = await romeo.iq(`<iq type='get' to='${ts.domain}'><ping xmlns='urn:xmpp:ping'/></iq>`);
    expect(pong.attrs.type).toBe("result");
    const pong2 = await juliet.iq(`<iq type='get' to='${ts.domain}'><ping xmlns='urn:xmpp:ping'/></iq>`);
    expect(pong2.attrs.type).toBe("result");
    await romeo.disconnect();
    await juliet.disconnect();
  });

  it("a bug while routing a message answers internal-server-error to its sender; every session goes on", async () => {
    const romeo = await TestClient.login(ts, "romeo", "pw");
    const juliet = await TestClient.login(ts, "juliet", "pw");
    romeo.send(`<message to='juliet@${ts.domain}' type='chat' id='boom'><body>crash</body></message>`);
    const bounce = await romeo.expect((e) => e.name === "message" && e.attrs.id === "boom", "the error reply");
    expect(bounce.attrs.type).toBe("error");
    expect(errorCondition(bounce)).toBe("internal-server-error");
    expect(ts.logLines.some((l) => l.includes("routing a stanza failed") && l.includes("deliberate bug in a message hook"))).toBe(true);
    // The sender's session is still up, and so is everyone else's.
    expect((await romeo.iq(`<iq type='get' to='${ts.domain}'><ping xmlns='urn:xmpp:ping'/></iq>`)).attrs.type).toBe("result");
    expect((await juliet.iq(`<iq type='get' to='${ts.domain}'><ping xmlns='urn:xmpp:ping'/></iq>`)).attrs.type).toBe("result");
    await Promise.all([romeo.disconnect(), juliet.disconnect()]);
  });
});
