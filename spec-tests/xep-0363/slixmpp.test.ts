/**
 * Interop: slixmpp's XEP-0363 plugin (python3-slixmpp, uploading with python3-aiohttp) finds the
 * upload service through the server's disco#items, reads max-file-size, gets a slot and PUTs the
 * file; a TestClient then downloads it byte for byte. Skipped when either package is missing
 * (.ci/run installs them).
 *
 * References: XEP-0363 §3 (discovery), §4 (slot), §6 (upload)
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { TestServer } from "../support/harness";
import { hasSlixmpp, startProcess } from "../support/processes";
import { http, startUploadServer } from "./support";

const SCRIPT = path.join(__dirname, "slixmpp_upload.py");
const available = hasSlixmpp() && spawnSync("/usr/bin/python3", ["-c", "import aiohttp"]).status === 0;
if (!available) console.warn("python3-slixmpp or python3-aiohttp is not installed: the XEP-0363 slixmpp interop test is skipped");
const describeSlix = available ? describe : describe.skip;

describeSlix("slixmpp's XEP-0363 plugin", () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startUploadServer({ http_upload_file_size_limit: 65536 });
    await ts.addUser("benvolio", "pw");
  });
  afterAll(() => ts?.stop());

  it("uploads a file that a TestClient then downloads byte for byte", async () => {
    const data = randomBytes(20_000);
    const cfg = { jid: "benvolio@localhost", password: "pw", port: ts.c2sPort, filename: "hello world.png", content_type: "image/png", data_hex: data.toString("hex"), timeout: 20 };
    const r = await startProcess("/usr/bin/python3", [SCRIPT, JSON.stringify(cfg)], { timeoutMs: 30_000 }).done;
    const line = r.lines.find((l) => l.startsWith("URL ") || l.startsWith("UPLOAD_ERROR"));
    expect([line, r.stderr.slice(-2000)]).toEqual([expect.stringMatching(/^URL https:\/\/upload\.localhost:\d+\/upload\/[A-Za-z0-9_-]{22}\/hello%20world\.png$/), expect.anything()]);
    const get = await http("GET", line!.slice(4));
    expect(get.status).toBe(200);
    expect(get.headers["content-type"]).toBe("image/png");
    expect(get.body.equals(data)).toBe(true);
  });

  it("reads max-file-size from the service's disco form and does not ask for a slot that would be refused", async () => {
    const cfg = { jid: "benvolio@localhost", password: "pw", port: ts.c2sPort, filename: "huge.bin", content_type: "application/octet-stream", zeros: 65537, timeout: 20 };
    const r = await startProcess("/usr/bin/python3", [SCRIPT, JSON.stringify(cfg)], { timeoutMs: 30_000 }).done;
    expect(r.lines).toContainEqual(expect.stringMatching(/^UPLOAD_ERROR FileTooBig .*max: 65536 bytes/));
  });
});
