/**
 * Interop for offline storage: go-sendxmpp sends to an account that is not online; slixmpp logs in
 * later and receives the message, with a <delay/> its own XEP-0203/XEP-0082 code can parse.
 *
 * References: XEP-0160 §2, XEP-0203 §2, XEP-0082 §3.3
 */
import { startTestServer, TestServer } from "../support/harness";
import { hasProgram, hasSlixmpp, runProcess, startProcess } from "../support/processes";

const slixAvailable = hasSlixmpp();
const sendxmppAvailable = hasProgram("go-sendxmpp");
const maybe = slixAvailable && sendxmppAvailable ? it : it.skip;
if (!slixAvailable || !sendxmppAvailable) console.warn("python3-slixmpp or go-sendxmpp is missing: the offline interop test is skipped (.ci/run installs them)");

// A listener that also reports the delay stamp as slixmpp parsed it (a datetime, so a format it
// could not parse would show up as an error line, not as text).
const LISTENER = `
import asyncio, json, ssl, sys
import slixmpp
cfg = json.loads(sys.argv[1])
def out(*parts):
    print(*parts, flush=True)
class Client(slixmpp.ClientXMPP):
    def __init__(self):
        super().__init__(cfg["jid"], cfg["password"])
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("failed_auth", lambda _e: (out("FAILED_AUTH"), self.disconnect()))
        self.add_event_handler("message", self.message)
    async def start(self, _ev):
        out("READY", self.boundjid.full)
        self.send_presence()
    def message(self, msg):
        if msg["type"] not in ("chat", "normal"):
            return
        out("MSG", msg["from"], msg["body"].strip())
        delay = msg["delay"]
        try:
            stamp = delay["stamp"]
            out("DELAY", delay["from"], stamp.isoformat() if stamp else "none", stamp.utcoffset() if stamp else "none")
        except Exception as e:
            out("DELAY_ERROR", type(e).__name__, e)
        self.disconnect()
client = Client()
client.register_plugin("xep_0203")
client.ssl_context.check_hostname = False
client.ssl_context.verify_mode = ssl.CERT_NONE
client.connect(("127.0.0.1", cfg["port"]), force_starttls=True)
try:
    asyncio.get_event_loop().run_until_complete(asyncio.wait_for(client.disconnected, cfg.get("timeout", 15)))
except asyncio.TimeoutError:
    out("TIMEOUT")
out("DONE")
`;

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer({ storage: "sqlite" });
  await ts.addUser("alice", "alice-secret");
  await ts.addUser("bob", "bob-secret");
});
afterAll(async () => ts?.stop());

async function storedFor(user: string, want: number, timeoutMs: number): Promise<number> {
  const archive = ts.server.storage.archive("localhost", "offline");
  const deadline = Date.now() + timeoutMs;
  let n = await archive.count(user);
  while (n < want && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    n = await archive.count(user);
  }
  return n;
}

maybe("a message go-sendxmpp sent while the recipient was offline reaches slixmpp at login, with a delay stamp", async () => {
  const before = new Date();
  const sent = await runProcess("go-sendxmpp", ["-u", "alice@localhost", "-p", "alice-secret", "-j", `127.0.0.1:${ts.c2sPort}`, "-n", "bob@localhost"], {
    input: "stored for later\n",
    timeoutMs: 20_000,
  });
  expect(sent.code).toBe(0);
  // go-sendxmpp may exit before the server has read its last bytes; wait for the row, not a guess.
  expect(await storedFor("bob", 1, 5000)).toBe(1);

  const listener = startProcess("/usr/bin/python3", ["-c", LISTENER, JSON.stringify({ jid: "bob@localhost", password: "bob-secret", port: ts.c2sPort, timeout: 15 })], { timeoutMs: 30_000 });
  expect(await listener.waitForLine(/^MSG /)).toMatch(/^MSG alice@localhost\/\S+ stored for later$/);
  const delay = await listener.waitForLine(/^DELAY/);
  const m = /^DELAY localhost (\S+) 0:00:00$/.exec(delay);
  expect(m).not.toBeNull();
  const stamp = Date.parse(m![1]);
  expect(stamp).toBeGreaterThanOrEqual(before.getTime() - 1000);
  expect(stamp).toBeLessThanOrEqual(Date.now());
  const done = await listener.done;
  expect(done.lines.filter((l) => l.startsWith("MSG "))).toHaveLength(1);
  expect(await storedFor("bob", 0, 0)).toBe(0);
});
