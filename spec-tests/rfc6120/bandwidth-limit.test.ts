/**
 * RFC 6120 §13.12 and XEP-0205 §4.7 (bandwidth limits): an authenticated client that sends faster
 * than c2s_read_rate is slowed down by pausing reads. Nothing it sent is lost, and other sessions
 * are served in the meantime.
 */
import { startTestServer, TestServer } from "../support/harness";
import { TestClient } from "../support/test-client";

const RATE = 50_000;
const BURST = 10_000;
const FLOOD = 150_000;

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer({ yaml: `c2s_read_rate: ${RATE}\nc2s_read_burst: ${BURST}` });
  await ts.addUser("alice", "pw");
  await ts.addUser("bob", "pw");
});
afterAll(() => ts.stop());

const PING = "<iq type='get' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>";

it("a flood is read at the configured rate, completely, while another client is served", async () => {
  const alice = await TestClient.login(ts, "alice", "pw");
  const bob = await TestClient.login(ts, "bob", "pw");

  const started = performance.now();
  // Whitespace between stanzas is valid traffic (keepalives) and costs the server nothing to parse,
  // so what is measured is the shaper alone.
  alice.send(" ".repeat(FLOOD));
  const alicePong = alice.iq(PING).then(() => performance.now());
  const bobPong = bob.iq(PING).then(() => performance.now());

  const [aliceAt, bobAt] = await Promise.all([alicePong, bobPong]);
  // Everything beyond the burst waits for the rate: at least (FLOOD - BURST) / RATE seconds.
  expect(aliceAt - started).toBeGreaterThanOrEqual(((FLOOD - BURST) / RATE) * 1000 * 0.9);
  // Bob asked after Alice's flood was on its way, and was answered first.
  expect(bobAt).toBeLessThan(aliceAt);

  await alice.disconnect();
  await bob.disconnect();
}, 20_000);
