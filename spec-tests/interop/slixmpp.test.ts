/**
 * Interop with real clients from Debian: slixmpp (python3-slixmpp) and go-sendxmpp.
 * RFC 6120 §5 (STARTTLS), §6 (SASL), §7 (bind); XEP-0368 (direct TLS); RFC 5802/7677 (SCRAM, -PLUS).
 */
import path from "node:path";
import { startTestServer, TestServer } from "../support/harness";
import { hasProgram, hasSlixmpp, runProcess, startProcess } from "../support/processes";

const SLIX = path.join(__dirname, "slixmpp_client.py");
const slixAvailable = hasSlixmpp();
const sendxmppAvailable = hasProgram("go-sendxmpp");
const describeSlix = slixAvailable ? describe : describe.skip;
if (!slixAvailable) console.warn("python3-slixmpp is not installed: slixmpp interop tests are skipped (.ci/run installs it)");

function slix(cfg: Record<string, unknown>) {
  return startProcess("/usr/bin/python3", [SLIX, JSON.stringify({ timeout: 15, action: "login", ...cfg })], { timeoutMs: 30_000 });
}

describeSlix("slixmpp", () => {
  let ts: TestServer;
  let noCb: TestServer;
  beforeAll(async () => {
    ts = await startTestServer();
    await ts.addUser("alice", "alice-secret");
    await ts.addUser("bob", "bob-secret");
    // Without channel binding on offer, a CB-capable client may use plain SCRAM (gs2 flag "y").
    noCb = await startTestServer({ yaml: "sasl_channel_binding: false" });
    await noCb.addUser("carol", "carol-secret");
  });
  afterAll(async () => {
    await ts?.stop();
    await noCb?.stop();
  });

  it("logs in with STARTTLS and SCRAM-SHA-256, and pings the server", async () => {
    const r = await slix({ jid: "carol@localhost", password: "carol-secret", port: noCb.c2sPort, mech: "SCRAM-SHA-256" }).done;
    expect(r.lines).toContainEqual(expect.stringMatching(/^READY carol@localhost\/\S+ SCRAM-SHA-256$/));
    expect(r.lines).toContain("PING ok");
  });

  it("logs in over direct TLS (XEP-0368)", async () => {
    const r = await slix({ jid: "alice@localhost", password: "alice-secret", port: ts.directTlsPort, direct_tls: true }).done;
    expect(r.lines).toContainEqual(expect.stringMatching(/^READY alice@localhost\/\S+ SCRAM-SHA-\S+$/));
    expect(r.lines).toContain("PING ok");
  });

  it("logs in with SCRAM-SHA-256-PLUS (channel binding)", async () => {
    const r = await slix({ jid: "alice@localhost", password: "alice-secret", port: ts.c2sPort, mech: "SCRAM-SHA-256-PLUS" }).done;
    expect(r.lines).toContainEqual(expect.stringMatching(/^READY alice@localhost\/\S+ SCRAM-SHA-256-PLUS$/));
  });

  it("logs in with its own choice (SCRAM-SHA-512-PLUS with tls-unique on TLS 1.3)", async () => {
    const r = await slix({ jid: "alice@localhost", password: "alice-secret", port: ts.c2sPort }).done;
    expect(r.lines).toContainEqual(expect.stringMatching(/^READY alice@localhost\/\S+ SCRAM-SHA-512-PLUS$/));
  });

  it("refuses plain SCRAM from a channel-binding client while -PLUS is offered (downgrade protection)", async () => {
    const r = await slix({ jid: "alice@localhost", password: "alice-secret", port: ts.c2sPort, mech: "SCRAM-SHA-256", timeout: 8 }).done;
    expect(r.lines).toContain("FAILED_AUTH");
    expect(r.lines.some((l) => l.startsWith("READY"))).toBe(false);
  });

  it("fails with a wrong password", async () => {
    const r = await slix({ jid: "alice@localhost", password: "wrong", port: ts.c2sPort, timeout: 8 }).done;
    expect(r.lines).toContain("FAILED_AUTH");
    expect(r.lines.some((l) => l.startsWith("READY"))).toBe(false);
  });

  (sendxmppAvailable ? it : it.skip)("receives a message go-sendxmpp sends (go-sendxmpp authenticates with PLAIN, offers ALPN on STARTTLS)", async () => {
    const listener = slix({ jid: "bob@localhost", password: "bob-secret", port: ts.c2sPort, action: "listen", count: 1 });
    await listener.waitForLine(/^READY /);
    const sent = await runProcess("go-sendxmpp", ["-u", "alice@localhost", "-p", "alice-secret", "-j", `127.0.0.1:${ts.c2sPort}`, "-n", "bob@localhost"], {
      input: "hello from go-sendxmpp\n",
      timeoutMs: 20_000,
    });
    expect(sent.code).toBe(0);
    const line = await listener.waitForLine(/^MSG /);
    expect(line).toMatch(/^MSG alice@localhost\/\S+ hello from go-sendxmpp$/);
    await listener.done;
  });

  (sendxmppAvailable ? it : it.skip)("go-sendxmpp over direct TLS", async () => {
    const listener = slix({ jid: "bob@localhost", password: "bob-secret", port: ts.c2sPort, action: "listen", count: 1 });
    await listener.waitForLine(/^READY /);
    const sent = await runProcess("go-sendxmpp", ["-t", "-u", "alice@localhost", "-p", "alice-secret", "-j", `127.0.0.1:${ts.directTlsPort}`, "-n", "bob@localhost"], {
      input: "direct hello\n",
      timeoutMs: 20_000,
    });
    expect(sent.code).toBe(0);
    expect(await listener.waitForLine(/^MSG /)).toMatch(/ direct hello$/);
    await listener.done;
  });
});
