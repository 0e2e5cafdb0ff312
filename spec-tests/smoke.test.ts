import { startTestServer, TestServer } from "./support/harness";
import { XmppClient } from "./runner/client";

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer({ logLevel: "debug" });
  await ts.addUser("alice", "pw-alice");
});
afterAll(async () => ts?.stop());

it("logs in", async () => {
  const c = new XmppClient({ jid: "alice@localhost", password: "pw-alice", host: "127.0.0.1", port: ts.c2sPort, timeoutMs: 5000, log: (l) => console.log(l) });
  await c.connect();
  expect(c.fullJid).toMatch(/^alice@localhost\//);
});
