/**
 * Lifetimes, with short durations: a slot's PUT URL stops working when the slot expires, and a
 * stored file is deleted from disk by the expiry timer once it is older than
 * http_upload_expire_after.
 *
 * References: XEP-0363 §7 (slot timeout; how long files are kept); reliability.md HTTP-03
 * (expired slots), DUR-13 (retention)
 */
import type { TestServer } from "../support/harness";
import { TestClient } from "../support/test-client";
import { eventually, http, requestSlot, sleep, startUploadServer, storedFileCount, upload } from "./support";

let ts: TestServer;
let c: TestClient;

beforeAll(async () => {
  ts = await startUploadServer({ http_upload_slot_expire_after: "1s", http_upload_expire_after: "2s" });
  await ts.addUser("juliet", "pw");
  c = await TestClient.login(ts, "juliet", "pw");
});
afterAll(async () => {
  await c?.disconnect();
  await ts?.stop();
});

it("refuses a PUT once the slot has expired, and stores nothing", async () => {
  const slot = await requestSlot(c, "late.txt", 4, "text/plain");
  await sleep(1300);
  expect((await upload(slot, Buffer.from("late"), "text/plain")).status).toBe(404);
  expect((await http("GET", slot.get)).status).toBe(404);
  expect(storedFileCount(ts)).toBe(0);
});

it("deletes a file from disk when it expires, and stops serving it", async () => {
  const slot = await requestSlot(c, "brief.txt", 5, "text/plain");
  expect((await upload(slot, Buffer.from("brief"), "text/plain")).status).toBe(201);
  expect((await http("GET", slot.get)).status).toBe(200);
  expect(storedFileCount(ts)).toBe(1);
  // Nobody asks for it meanwhile: only the timer can remove it.
  expect(await eventually(() => storedFileCount(ts) === 0, 5000)).toBe(true);
  expect((await http("GET", slot.get)).status).toBe(404);
});
