/**
 * Unloading the module (or stopping the server) closes its HTTPS listener and every connection
 * on it: the port is free again, an upload in progress is dropped and its partial file removed,
 * and the component no longer hands out slots.
 *
 * References: docs/architecture.md (unloading a module leaves nothing behind); XEP-0363 §6 (a
 * failed upload stores nothing)
 */
import { readdirSync } from "node:fs";
import https from "node:https";
import net from "node:net";
import path from "node:path";
import type { TestServer } from "../support/harness";
import { errorCondition, TestClient } from "../support/test-client";
import { eventually, http, requestSlot, slotRequest, startUploadServer, UPLOAD } from "./support";

let ts: TestServer;
let c: TestClient;

beforeAll(async () => {
  ts = await startUploadServer();
  await ts.addUser("friar", "pw");
  c = await TestClient.login(ts, "friar", "pw");
});
afterAll(async () => {
  await c?.disconnect();
  await ts?.stop();
});

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

it("closes the listener and open uploads on unload; the port is free afterwards", async () => {
  const slot = await requestSlot(c, "big.bin", 100_000);
  const port = Number(new URL(slot.put).port);
  expect(await canListen(port)).toBe(false);
  expect((await http("OPTIONS", slot.put)).status).toBe(204);

  // An upload that sends half its body, then waits.
  const incoming = path.join(ts.dir, "data", "http_upload", UPLOAD, "incoming");
  const req = https.request({ host: "127.0.0.1", port, method: "PUT", path: new URL(slot.put).pathname, servername: UPLOAD, rejectUnauthorized: false, agent: false, headers: { ...slot.headers, "Content-Length": 100_000 } });
  const ended = new Promise<string>((resolve) => {
    req.on("error", (err) => resolve(`error ${err.message}`));
    req.on("response", (res) => resolve(`response ${res.statusCode}`));
  });
  req.write(Buffer.alloc(50_000));
  expect(await eventually(() => readdirSync(incoming).length === 1)).toBe(true);

  await ts.server.modules.unload("http-upload", UPLOAD);
  expect(await ended).toMatch(/^error /);
  expect(await canListen(port)).toBe(true);
  await expect(http("GET", slot.get)).rejects.toThrow(/ECONNREFUSED/);
  expect(await eventually(() => readdirSync(incoming).length === 0)).toBe(true);
  expect(errorCondition(await c.iq(slotRequest("again.txt", 1)))).toBe("service-unavailable");
});
