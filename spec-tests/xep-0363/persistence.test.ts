/**
 * Files outlive a restart (their records are in SQLite, their bytes under data_path), and at
 * start-up what is on disk and what is recorded are made to agree: a partial upload left in
 * incoming/ and a file nobody recorded are removed.
 *
 * References: XEP-0363 §7 (files are kept as long as the service says); reliability.md §6 (what
 * was acknowledged survives), HTTP-02 (only recorded files are served)
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestServer } from "../support/harness";
import { TestClient } from "../support/test-client";
import { filesDir, http, requestSlot, startUploadServer, upload, UPLOAD } from "./support";

let dir: string;
let ts: TestServer | undefined;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "xmppd-upload-"));
});
afterAll(async () => {
  await ts?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it("serves a stored file after a restart and cleans up leftovers", async () => {
  ts = await startUploadServer({}, { dir, storage: "sqlite" });
  await ts.addUser("nurse", "pw");
  let c = await TestClient.login(ts, "nurse", "pw");
  const body = Buffer.from("kept across restarts");
  const slot = await requestSlot(c, "kept.txt", body.length, "text/plain");
  expect((await upload(slot, body, "text/plain")).status).toBe(201);
  await c.disconnect();
  await ts.stop();
  ts = undefined;

  const incoming = path.join(dir, "data", "http_upload", UPLOAD, "incoming");
  writeFileSync(path.join(incoming, "AAAAAAAAAAAAAAAAAAAAAA.partial"), "half an upload");
  writeFileSync(path.join(filesDir({ dir } as TestServer), "BBBBBBBBBBBBBBBBBBBBBB"), "nobody recorded me");

  ts = await startUploadServer({}, { dir, storage: "sqlite" });
  c = await TestClient.login(ts, "nurse", "pw");
  // The listener has a new ephemeral port: learn it from a new slot, keep the old path.
  const port = new URL((await requestSlot(c, "probe.txt", 1)).put).port;
  const url = new URL(slot.get);
  url.port = port;
  const get = await http("GET", url.href);
  expect(get.status).toBe(200);
  expect(get.body.equals(body)).toBe(true);
  expect(get.headers["content-type"]).toBe("text/plain");
  expect(readdirSync(incoming)).toEqual([]);
  expect(readdirSync(filesDir(ts))).toEqual([url.pathname.split("/")[2]]);
  await c.disconnect();
});
