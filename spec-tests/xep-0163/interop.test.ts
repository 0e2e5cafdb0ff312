/**
 * Interop with slixmpp (python3-slixmpp): a real client publishes its nickname to its PEP service
 * (XEP-0172 over XEP-0163), a contact whose caps ask for nicknames is notified, and the contact's
 * own nickname reaches slixmpp, whose caps (computed by slixmpp's XEP-0115 code) the server resolved.
 * XEP-0163 §3, §4; XEP-0172 §4; XEP-0115 §5, §6.2.
 */
import path from "node:path";
import { startTestServer, TestServer } from "../support/harness";
import { hasSlixmpp, startProcess } from "../support/processes";
import { TestClient } from "../rfc6121/roster-support";
import { enterState } from "../rfc6121/subscription-support";
import { eventItems, expectResult, isEvent, NICK, nick, PepClient, pepLogin, publishIq } from "./pep-support";

const SCRIPT = path.join(__dirname, "slixmpp_pep.py");
const describeSlix = hasSlixmpp() ? describe : describe.skip;
if (!hasSlixmpp()) console.warn("python3-slixmpp is not installed: the slixmpp PEP interop test is skipped");

describeSlix("slixmpp PEP interop", () => {
  let ts: TestServer;
  let bob: PepClient | undefined;
  beforeAll(async () => {
    ts = await startTestServer();
    await ts.addUser("alice", "pw");
    await ts.addUser("bob", "pw");
  });
  afterAll(async () => {
    await bob?.c.disconnect().catch(() => undefined);
    await ts?.stop();
  });

  it("slixmpp publishes its nickname, a +notify contact is notified, and slixmpp gets the contact's", async () => {
    const setup = await TestClient.login(ts, "alice", "pw");
    await setup.rosterGet();
    await setup.available();
    bob = await pepLogin(ts, "bob", { notify: [NICK] });
    await enterState(setup, bob.c, "Both");
    await setup.disconnect();

    const slix = startProcess("/usr/bin/python3", [SCRIPT, JSON.stringify({ jid: "alice@localhost", password: "pw", port: ts.c2sPort, contact: "bob@localhost", nick: "Alice in Slixland", timeout: 20 })], {
      timeoutMs: 40_000,
    });
    try {
      await slix.waitForLine(/^PUBLISHED /);
      const ev = await bob.c.waitFor(isEvent("alice@localhost", NICK), "alice's nickname notification", 10_000);
      expect(ev.attrs.to).toBe(bob.c.full);
      expect(eventItems(ev)[0].getChild("nick", NICK)?.getText()).toBe("Alice in Slixland");
      await slix.waitForLine(/^ITEMS /);

      expectResult(await bob.c.iq("set", publishIq(NICK, nick("Bobby"), { id: "current" })));
      const r = await slix.done;
      const diag = `\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
      expect(r.lines).toContain("ITEMS Alice in Slixland");
      expect(r.lines).toContainEqual(expect.stringMatching(/^NICK bob@localhost Bobby$/));
      expect(r.lines.filter((l) => l === "TIMEOUT" || l.startsWith("PUBLISH_ERROR"))).toEqual([]);
      if (r.code !== 0) throw new Error(`slixmpp failed${diag}`);
    } finally {
      slix.kill();
    }
  });
});
