/**
 * Interop with a real MUC client: a slixmpp bot (python3-slixmpp's xep_0045 plugin) joins a room
 * a TestClient occupant created, and the two exchange groupchat messages (XEP-0045 §7.2, §7.4,
 * §7.14).
 */
import path from "node:path";
import type { TestServer } from "../support/harness";
import { hasSlixmpp, startProcess } from "../support/processes";
import { TestClient } from "../support/test-client";
import { groupchat, item, join, presenceFrom, SERVICE, startMucServer } from "./support";

const BOT = path.join(__dirname, "slixmpp_muc.py");
const available = hasSlixmpp();
if (!available) console.warn("python3-slixmpp is not installed: the MUC interop test is skipped (.ci/run installs it)");

(available ? describe : describe.skip)("slixmpp xep_0045", () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startMucServer();
    await ts.addUser("alice", "pw-alice");
    await ts.addUser("bot", "pw-bot");
  });
  afterAll(() => ts?.stop());

  it("joins a room and exchanges groupchat messages with an occupant", async () => {
    const room = `bots@${SERVICE}`;
    const alice = await TestClient.login(ts, "alice", "pw-alice");
    try {
      await join(alice, "bots", "alice");
      const bot = startProcess("/usr/bin/python3", [BOT, JSON.stringify({
        jid: "bot@localhost", password: "pw-bot", port: ts.c2sPort, room, nick: "robot", reply_to: "hello robot", reply: "hello alice", timeout: 20,
      })], { timeoutMs: 30_000 });
      expect(await bot.waitForLine(/^@ (JOINED|ERROR) /)).toBe(`@ JOINED ${room}/robot none participant`);
      expect(await bot.waitForLine(/^@ OCCUPANT /)).toBe(`@ OCCUPANT ${room}/alice`);
      const joined = await alice.expect(presenceFrom(`${room}/robot`), "the bot's presence");
      expect(item(joined).role).toBe("participant");

      alice.send(`<message to='${room}' type='groupchat'><body>hello robot</body></message>`);
      expect(await bot.waitForLine(/^@ GROUPCHAT /)).toBe(`@ GROUPCHAT ${room}/alice hello robot`);
      await alice.expect(groupchat(`${room}/robot`, "hello alice"), "the bot's answer");
      await alice.expect(presenceFrom(`${room}/robot`, "unavailable"), "the bot leaving");
      const done = await bot.done;
      expect(done.lines).toContain("@ LEFT");
      expect(done.lines).not.toContain("@ TIMEOUT");
    } finally {
      await alice.disconnect();
    }
  });
});
