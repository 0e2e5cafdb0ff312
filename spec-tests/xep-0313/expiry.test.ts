/**
 * Archive retention over real sockets: with mam_archive_expiry set, items older than it disappear.
 *
 * References:
 * - XEP-0313 §3.2 (a server MAY keep messages only until they reach an age; the oldest go first)
 * - reliability.md DUR-13 (retention)
 */
import { startTestServer, TestServer } from "../support/harness";
import { TestClient } from "../support/test-client";
import { chat, isBody, query, resultBodies, sleep } from "./support";

let ts: TestServer;

beforeAll(async () => {
  ts = await startTestServer({ yaml: "mam_archive_expiry: 1s" });
  await ts.addUser("a", "pw");
  await ts.addUser("b", "pw");
});
afterAll(async () => ts?.stop());

it("§3.2: messages older than mam_archive_expiry are deleted by the periodic sweep", async () => {
  const a = await TestClient.login(ts, "a", "pw", { resource: "r" });
  const b = await TestClient.login(ts, "b", "pw", { resource: "r" });
  try {
    a.send(chat(b.jid, "fleeting"));
    await b.expect(isBody("fleeting"), "the message");
    expect(resultBodies(await query(b))).toEqual(["fleeting"]);
    // The sweep runs every second and removes items older than one second.
    const deadline = Date.now() + 5000;
    while ((await ts.server.storage.archive("localhost", "mam").count("b")) > 0 && Date.now() < deadline) await sleep(100);
    expect(resultBodies(await query(b))).toEqual([]);
    expect(resultBodies(await query(a))).toEqual([]);
  } finally {
    await Promise.all([a.disconnect(), b.disconnect()]);
  }
});
