/**
 * Interop: slixmpp (python3-slixmpp) with its XEP-0198 plugin enables stream management, has its
 * messages acknowledged, stays logged in while exchanging messages, and resumes a dropped session.
 *
 * References: XEP-0198 §3 (enable), §4 (acks both ways), §5 (resumption)
 */
import path from "node:path";
import { startTestServer, TestServer } from "../support/harness";
import { TestClient } from "../support/test-client";
import { hasSlixmpp, startProcess } from "../support/processes";
import { waitDetached } from "./sm-client";

const SCRIPT = path.join(__dirname, "slixmpp_sm.py");
const available = hasSlixmpp();
if (!available) console.warn("python3-slixmpp is not installed: XEP-0198 interop tests are skipped");

function slix(cfg: Record<string, unknown>) {
  return startProcess("/usr/bin/python3", [SCRIPT, JSON.stringify({ timeout: 20, ...cfg })], { timeoutMs: 40_000 });
}

(available ? describe : describe.skip)("slixmpp with xep_0198", () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer();
    for (const u of ["alice", "bob", "carol"]) await ts.addUser(u, `${u}-pw`);
  });
  afterAll(async () => ts?.stop());

  it("enables resumable stream management and exchanges acknowledged messages both ways", async () => {
    const bob = slix({ jid: "bob@localhost/sm", password: "bob-pw", port: ts.c2sPort, action: "chat", peer: "alice@localhost/sm", count: 3, expect: 3 });
    await bob.waitForLine(/^SM_ENABLED /);
    const alice = slix({ jid: "alice@localhost/sm", password: "alice-pw", port: ts.c2sPort, action: "chat", peer: "bob@localhost/sm", count: 3, expect: 3 });
    const [a, b] = await Promise.all([alice.done, bob.done]);
    for (const r of [a, b]) {
      expect(r.lines).toContain("SM_ENABLED true");
      expect(r.lines).toContain("ACKED 3");
      expect(r.lines).not.toContain("DISCONNECTED");
      expect(r.lines).not.toContain("TIMEOUT");
    }
    expect(a.lines.filter((l) => l.startsWith("MSG bob@localhost/sm "))).toEqual(["MSG bob@localhost/sm sm 1", "MSG bob@localhost/sm sm 2", "MSG bob@localhost/sm sm 3"]);
    expect(b.lines.filter((l) => l.startsWith("MSG alice@localhost/sm "))).toEqual(["MSG alice@localhost/sm sm 1", "MSG alice@localhost/sm sm 2", "MSG alice@localhost/sm sm 3"]);
  });

  it("resumes after its connection drops and receives what arrived meanwhile", async () => {
    const carol = slix({ jid: "carol@localhost/phone", password: "carol-pw", port: ts.c2sPort, action: "resume", expect: 1 });
    await carol.waitForLine(/^SM_ENABLED true$/);
    // Let the client's own first exchanges settle, then cut the connection under it.
    await new Promise((r) => setTimeout(r, 300));
    const session = ts.server.sessions.all().find((s) => s.jid?.toString() === "carol@localhost/phone")!;
    session.destroy();
    await waitDetached(ts, "carol@localhost/phone");
    const sender = await TestClient.login(ts, "bob", "bob-pw");
    try {
      sender.send("<message to='carol@localhost/phone' type='chat' id='while-away'><body>sent while you were away</body></message>");
      const r = await carol.done;
      expect(r.lines).toContain("DISCONNECTED");
      expect(r.lines).toContain("RESUMED");
      expect(r.lines).not.toContain("SM_FAILED");
      expect(r.lines).toContainEqual(expect.stringMatching(/^MSG bob@localhost\/\S+ sent while you were away$/));
      await sender.expectNone((e) => e.name === "message" && e.attrs.type === "error", "a bounce", 200);
    } finally {
      await sender.disconnect();
    }
  });
});
