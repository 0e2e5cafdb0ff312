/**
 * Interop with slixmpp (python3-slixmpp): a real client manages its roster (versioned get, add
 * with name and group, rename) and subscribes to another account run by a second slixmpp, which
 * accepts and subscribes back; both end up 'both' and see each other's presence.
 * RFC 6121 §2, §3, §4; XEP-0237.
 */
import path from "node:path";
import { startTestServer, TestServer } from "../support/harness";
import { hasSlixmpp, startProcess } from "../support/processes";
import { ROSTER, TestClient } from "../rfc6121/roster-support";

const SCRIPT = path.join(__dirname, "slixmpp_roster.py");
const describeSlix = hasSlixmpp() ? describe : describe.skip;
if (!hasSlixmpp()) console.warn("python3-slixmpp is not installed: slixmpp roster interop tests are skipped");

function slix(cfg: Record<string, unknown>) {
  return startProcess("/usr/bin/python3", [SCRIPT, JSON.stringify({ timeout: 20, ...cfg })], { timeoutMs: 40_000 });
}

describeSlix("slixmpp roster and subscriptions", () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer();
    await ts.addUser("alice", "alice-secret");
    await ts.addUser("bob", "bob-secret");
  });
  afterAll(async () => ts?.stop());

  it("subscribes both ways and both clients see each other's presence", async () => {
    const bob = slix({ jid: "bob@localhost", password: "bob-secret", port: ts.c2sPort, role: "approver", contact: "alice@localhost" });
    await bob.waitForLine(/^READY /);
    const alice = slix({ jid: "alice@localhost", password: "alice-secret", port: ts.c2sPort, role: "requester", contact: "bob@localhost" });
    const [a, b] = await Promise.all([alice.done, bob.done]);
    const diag = `\nalice:\n${a.stdout}${a.stderr}\nbob:\n${b.stdout}${b.stderr}`;

    // slixmpp saw our stream features.
    expect(a.lines.find((l) => l.startsWith("READY"))).toMatch(/ rosterver preapproval$/);
    // Alice's roster set and her request show up as pushes; the mutual subscription completes.
    expect(a.lines).toContain("ROSTER bob@localhost none - Bob Friends");
    expect(a.lines).toContainEqual(expect.stringMatching(/^ROSTER bob@localhost none subscribe Bob Friends$/));
    expect(a.lines).toContainEqual(expect.stringMatching(/^ROSTER bob@localhost both - Bobby Friends,Work$/));
    expect(b.lines).toContain("SUBREQ alice@localhost");
    expect(a.lines).toContain("SUBREQ bob@localhost");
    // Each saw the other's available presence.
    expect(a.lines).toContainEqual(expect.stringMatching(/^PRESENCE bob@localhost\/\S+ available$/));
    expect(b.lines).toContainEqual(expect.stringMatching(/^PRESENCE alice@localhost\/\S+ available$/));
    expect(a.lines).toContain("FINAL bob@localhost both Bobby");
    expect(b.lines).toContain("FINAL alice@localhost both -");
    expect([...a.lines, ...b.lines].filter((l) => l === "TIMEOUT")).toEqual([]);
    if (process.env.SHOW_SLIX) console.log(diag);
    if (a.code !== 0 || b.code !== 0) throw new Error(`a slixmpp client failed${diag}`);

    // What the server stored agrees.
    const check = await TestClient.login(ts, "alice", "alice-secret");
    const item = (await check.roster()).get("bob@localhost");
    expect(item?.attrs).toMatchObject({ subscription: "both", name: "Bobby" });
    expect(item?.getChildren("group").map((g) => g.getText())).toEqual(["Friends", "Work"]);
    expect(item?.attrs.ask).toBeUndefined();
    expect((await check.rosterGet()).getChild("query", ROSTER)?.attrs.ver).toBeDefined();
    await check.disconnect();
  });
});
