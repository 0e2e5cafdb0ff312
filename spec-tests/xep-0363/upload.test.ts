/**
 * XEP-0363 §4–§6 over real sockets: slots over XMPP, then PUT and GET on the component's HTTPS
 * listener with the certificate the server generated.
 *
 * References: XEP-0363 §4 (slot request and slot), §5 (file-too-large with max-file-size, quota,
 * refusals), §6 (Content-Length must match, Content-Type should, 201); RFC 9110 §9.3 (GET, HEAD,
 * PUT, OPTIONS), §15 (status codes); reliability.md HTTP-02…04, HTTP-08, HTTP-09
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import https from "node:https";
import path from "node:path";
import tls from "node:tls";
import type { TestServer } from "../support/harness";
import { errorCondition, TestClient } from "../support/test-client";
import { http, NS_UPLOAD, requestSlot, slotOf, slotRequest, startUploadServer, upload, UPLOAD, uploadError } from "./support";

const LIMIT = 4096;
let ts: TestServer;
const clients: TestClient[] = [];
let n = 0;

/** A fresh account per test, so no test spends another's quota. */
async function fresh(domain = "localhost"): Promise<TestClient> {
  const local = `user${++n}`;
  await ts.addUser(local, "pw", domain);
  const c = await TestClient.login({ ...ts, domain }, local, "pw");
  clients.push(c);
  return c;
}

beforeAll(async () => {
  ts = await startUploadServer(
    { http_upload_file_size_limit: LIMIT, http_upload_quota: 10_000, http_upload_access: ["localhost"] },
    { hosts: ["localhost", "guest.localhost"], logLevel: "debug" },
  );
});
afterAll(async () => {
  for (const c of clients) await c.disconnect();
  await ts?.stop();
});

describe("slot requests (§4, §5)", () => {
  it("hands out a slot whose PUT carries an Authorization header and whose URLs keep the file name", async () => {
    const c = await fresh();
    const r = await c.iq(slotRequest("très cool.jpg", 1234, "image/jpeg"));
    const slot = slotOf(r);
    expect(r.attrs.from).toBe(UPLOAD);
    expect(slot.put).toBe(slot.get);
    expect(slot.get).toMatch(/^https:\/\/upload\.localhost:\d+\/upload\/[A-Za-z0-9_-]{22}\/tr%C3%A8s%20cool\.jpg$/);
    expect(Object.keys(slot.headers)).toEqual(["Authorization"]);
    expect(slot.headers.Authorization).toMatch(/^Bearer [A-Za-z0-9_-]{43}$/);
  });

  it("refuses a file larger than the limit with file-too-large and max-file-size (§5)", async () => {
    const c = await fresh();
    const r = await c.iq(slotRequest("big.bin", LIMIT + 1));
    const { condition, type, error } = uploadError(r);
    expect(condition).toBe("not-acceptable");
    expect(type).toBe("modify");
    expect(error?.getChild("file-too-large", NS_UPLOAD)?.getChildText("max-file-size")).toBe(String(LIMIT));
    // The limit itself is fine.
    slotOf(await c.iq(slotRequest("exact.bin", LIMIT)));
  });

  it.each([
    ["a path separator", "dir/evil.txt", "1"],
    ["a backslash", "..\\evil.txt", "1"],
    ["an empty name", "", "1"],
    ["a dot-dot name", "..", "1"],
    ["a control character", "a\nb.txt", "1"],
    ["a right-to-left override", "gpj\u202e.exe", "1"],
    ["a name over 255 bytes", "é".repeat(128), "1"],
    ["a negative size", "ok.txt", "-5"],
    ["a size that is not a number", "ok.txt", "12kB"],
  ])("refuses %s with bad-request", async (_what, filename, size) => {
    const c = await fresh();
    const r = await c.iq(slotRequest(filename, size));
    expect(errorCondition(r)).toBe("bad-request");
  });

  it("refuses a content type that could not be a header value", async () => {
    const c = await fresh();
    expect(errorCondition(await c.iq(slotRequest("x.txt", 3, "text/plain\r\nSet-Cookie: a=b")))).toBe("bad-request");
    expect(errorCondition(await c.iq(slotRequest("x.txt", 3, "not a type")))).toBe("bad-request");
  });

  it("refuses accounts of a domain not allowed to upload with forbidden", async () => {
    const guest = await fresh("guest.localhost");
    const r = await guest.iq(slotRequest("x.txt", 3));
    expect(uploadError(r)).toMatchObject({ condition: "forbidden", type: "auth" });
  });

  it("enforces the daily quota with resource-constraint and a retry stamp (§5)", async () => {
    const c = await fresh();
    await requestSlot(c, "one.bin", 4000);
    await requestSlot(c, "two.bin", 4000);
    const before = Date.now();
    const r = await c.iq(slotRequest("three.bin", 4000));
    const { condition, type, error } = uploadError(r);
    expect(condition).toBe("resource-constraint");
    expect(type).toBe("wait");
    const stamp = error?.getChild("retry", NS_UPLOAD)?.attrs.stamp as string;
    expect(stamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const retry = Date.parse(stamp);
    expect(retry).toBeGreaterThan(before + 23 * 3_600_000);
    expect(retry).toBeLessThan(before + 25 * 3_600_000);
    // A smaller file still fits.
    await requestSlot(c, "small.bin", 2000);
  });

  it("draws ids and secrets from a CSPRNG: long, distinct, never repeated (HTTP-08)", async () => {
    const c = await fresh();
    const slots = [];
    for (let i = 0; i < 20; i++) slots.push(await requestSlot(c, `f${i}.txt`, 0));
    const ids = slots.map((s) => new URL(s.put).pathname.split("/")[2]);
    const tokens = slots.map((s) => s.headers.Authorization);
    expect(new Set(ids).size).toBe(20);
    expect(new Set(tokens).size).toBe(20);
  });
});

describe("upload and download (§6)", () => {
  const bytes = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(1792)]);

  it("round-trips a file byte for byte with its content type: PUT 201, then GET and HEAD", async () => {
    const c = await fresh();
    const slot = await requestSlot(c, "photo.png", bytes.length, "image/png");
    const put = await upload(slot, bytes, "image/png");
    expect(put.status).toBe(201);

    const get = await http("GET", slot.get);
    expect(get.status).toBe(200);
    expect(get.body.equals(bytes)).toBe(true);
    expect(get.headers["content-type"]).toBe("image/png");
    expect(get.headers["content-length"]).toBe(String(bytes.length));
    expect(get.headers["x-content-type-options"]).toBe("nosniff");
    expect(get.headers["content-security-policy"]).toMatch(/sandbox/);
    expect(get.headers["content-security-policy"]).toMatch(/default-src 'none'/);
    expect(get.headers["content-disposition"]).toBe(`inline; filename="photo.png"; filename*=UTF-8''photo.png`);

    const head = await http("HEAD", slot.get);
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers["content-length"]).toBe(String(bytes.length));
    expect(head.headers["content-type"]).toBe("image/png");
  });

  it("serves scriptable types as inert attachments (HTTP-04)", async () => {
    const c = await fresh();
    const html = Buffer.from("<script>alert(document.domain)</script>");
    const slot = await requestSlot(c, "page.html", html.length, "text/html");
    expect((await upload(slot, html, "text/html")).status).toBe(201);
    const get = await http("GET", slot.get);
    expect(get.headers["content-type"]).toBe("text/html");
    expect(get.headers["content-disposition"]).toMatch(/^attachment; /);
    expect(get.headers["content-security-policy"]).toMatch(/sandbox/);
  });

  it("refuses a PUT with a wrong or missing secret (403) and still accepts the right one", async () => {
    const c = await fresh();
    const slot = await requestSlot(c, "a.txt", 5, "text/plain");
    const other = await requestSlot(c, "b.txt", 5, "text/plain");
    const body = Buffer.from("hello");
    expect((await upload(slot, body, "text/plain", { Authorization: "Bearer " + "A".repeat(43) })).status).toBe(403);
    expect((await upload(slot, body, "text/plain", { Authorization: other.headers.Authorization })).status).toBe(403);
    expect((await http("PUT", slot.put, { headers: { "Content-Length": 5, "Content-Type": "text/plain" }, body })).status).toBe(403);
    expect((await http("GET", slot.get)).status).toBe(404);
    expect((await upload(slot, body, "text/plain")).status).toBe(201);
  });

  it("refuses a Content-Length other than the requested size: 413 when larger, 400 when smaller, 411 when absent", async () => {
    const c = await fresh();
    const slot = await requestSlot(c, "sized.bin", 100);
    expect((await upload(slot, randomBytes(101))).status).toBe(413);
    expect((await upload(slot, randomBytes(99))).status).toBe(400);
    const chunked = await http("PUT", slot.put, { headers: { ...slot.headers, "Transfer-Encoding": "chunked" }, body: randomBytes(100) });
    expect(chunked.status).toBe(411);
    expect((await http("GET", slot.get)).status).toBe(404);
    const body = randomBytes(100);
    expect((await upload(slot, body)).status).toBe(201);
    expect((await http("GET", slot.get)).body.equals(body)).toBe(true);
  });

  it("refuses a Content-Type other than the requested one (415)", async () => {
    const c = await fresh();
    const slot = await requestSlot(c, "x.jpg", 3, "image/jpeg");
    expect((await upload(slot, Buffer.from("abc"), "text/html")).status).toBe(415);
    expect((await upload(slot, Buffer.from("abc"), "image/JPEG")).status).toBe(201);
  });

  it("refuses a second PUT on a used slot (409) and keeps the first file", async () => {
    const c = await fresh();
    const slot = await requestSlot(c, "once.txt", 5, "text/plain");
    expect((await upload(slot, Buffer.from("first"), "text/plain")).status).toBe(201);
    expect((await upload(slot, Buffer.from("other"), "text/plain")).status).toBe(409);
    expect((await http("GET", slot.get)).body.toString()).toBe("first");
  });

  it("answers 404 for unknown ids, wrong names and the directory itself; 405 for other methods", async () => {
    const c = await fresh();
    const slot = await requestSlot(c, "known.txt", 2, "text/plain");
    expect((await upload(slot, Buffer.from("ok"), "text/plain")).status).toBe(201);
    const url = new URL(slot.get);
    const [, prefix, id] = url.pathname.split("/");
    const unknownId = "B".repeat(22);
    for (const p of [`/${prefix}/${unknownId}/known.txt`, `/${prefix}/${id}/other.txt`, `/${prefix}/${id}/`, `/${prefix}/${id}`, `/${prefix}/`, `/${prefix}`, "/", "/favicon.ico"]) {
      const r = await http("GET", slot.get, { path: p });
      expect([p, r.status]).toEqual([p, 404]);
    }
    const del = await http("DELETE", slot.get);
    expect(del.status).toBe(405);
    expect(del.headers.allow).toBe("GET, HEAD, PUT, OPTIONS");
    expect((await http("GET", slot.get)).status).toBe(200);
  });

  it("never serves anything outside its store, whatever the path encoding (HTTP-01, HTTP-02)", async () => {
    const c = await fresh();
    const secret = "TOP-SECRET-SENTINEL";
    // data/secret.txt sits three levels above data/http_upload/upload.localhost/files/<id>.
    writeFileSync(path.join(ts.dir, "data", "secret.txt"), secret);
    const slot = await requestSlot(c, "decoy.txt", 5, "text/plain");
    expect((await upload(slot, Buffer.from("decoy"), "text/plain")).status).toBe(201);
    const id = new URL(slot.get).pathname.split("/")[2];
    const attempts = [
      "/upload/../../../secret.txt",
      "/upload/../secret.txt",
      "/upload/%2e%2e/%2e%2e/%2e%2e/secret.txt",
      "/upload/%2E%2E%2F%2E%2E%2F%2E%2E%2Fsecret.txt",
      "/upload/..%2f..%2f..%2fsecret.txt",
      "/upload/%252e%252e/%252e%252e/secret.txt",
      "/upload/%u002e%u002e/%u002e%u002e/secret.txt",
      "/upload/..;/..;/secret.txt",
      "/upload/..\\..\\..\\secret.txt",
      `/upload/${id}/..%2f..%2f..%2fsecret.txt`,
      `/upload/${id}/..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd`,
      `/upload/${id}/%2e%2e`,
      `/upload/${id}/decoy.txt%00.png`,
      `/upload/${id}/../../../secret.txt`,
      "//upload/../../../secret.txt",
      "/etc/passwd",
      "/upload//etc/passwd",
      `/upload/${"A".repeat(21)}/../secret.txt`,
    ];
    for (const p of attempts) {
      for (const method of ["GET", "PUT"]) {
        const r = await http(method, slot.get, { path: p, headers: method === "PUT" ? { ...slot.headers, "Content-Length": 4 } : {}, body: method === "PUT" ? "evil" : undefined });
        expect([method, p, [400, 404].includes(r.status)]).toEqual([method, p, true]);
        expect(r.body.toString()).not.toContain(secret);
      }
    }
    expect(readFileSync(path.join(ts.dir, "data", "secret.txt"), "utf8")).toBe(secret);
    expect((await http("GET", slot.get)).body.toString()).toBe("decoy");
  });

  it("answers CORS preflights and sends Access-Control-Allow-Origin for web clients", async () => {
    const c = await fresh();
    const slot = await requestSlot(c, "hello.png", 1234, "image/png");
    const pre = await http("OPTIONS", slot.put, {
      headers: { Origin: "https://web.example", "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "authorization, content-type" },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers["access-control-allow-origin"]).toBe("*");
    expect(pre.headers["access-control-allow-methods"]).toMatch(/\bPUT\b/);
    expect(String(pre.headers["access-control-allow-headers"]).toLowerCase()).toEqual(expect.stringContaining("authorization"));
    expect(String(pre.headers["access-control-allow-headers"]).toLowerCase()).toEqual(expect.stringContaining("content-type"));
    const put = await upload(slot, randomBytes(1234), "image/png", { Origin: "https://web.example" });
    expect(put.status).toBe(201);
    expect(put.headers["access-control-allow-origin"]).toBe("*");
  });

  it("deletes an account's files with the account (AUTH-14)", async () => {
    const c = await fresh();
    const local = c.bare.split("@")[0];
    const slot = await requestSlot(c, "mine.txt", 4, "text/plain");
    expect((await upload(slot, Buffer.from("mine"), "text/plain")).status).toBe(201);
    await c.disconnect();
    await ts.server.accounts.delete("localhost", local);
    let status = 200;
    for (let i = 0; i < 50 && status === 200; i++) {
      status = (await http("GET", slot.get)).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe(404);
  });

  it("writes no slot secret and no Authorization header to the log (HTTP-09)", async () => {
    const c = await fresh();
    const slot = await requestSlot(c, "log.txt", 3, "text/plain");
    await upload(slot, Buffer.from("bad"), "text/plain", { Authorization: "Bearer guess" });
    expect((await upload(slot, Buffer.from("abc"), "text/plain")).status).toBe(201);
    const secret = slot.headers.Authorization.slice("Bearer ".length);
    expect(ts.logLines.length).toBeGreaterThan(0);
    expect(ts.logLines.filter((l) => l.includes(secret) || l.includes("Bearer"))).toEqual([]);
  });
});

describe("HTTP hygiene (HTTP-10)", () => {
  /** Writes raw bytes on a TLS connection and resolves to the status line that comes back. */
  function raw(port: number, bytes: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const sock = tls.connect({ host: "127.0.0.1", port, servername: UPLOAD, rejectUnauthorized: false }, () => sock.end(bytes));
      let got = "";
      sock.on("data", (d: Buffer) => (got += d.toString("latin1")));
      sock.on("end", () => resolve(got.split("\r\n")[0]));
      sock.on("error", reject);
    });
  }

  it("answers a malformed request line with 400 and oversized headers with 431, and keeps serving", async () => {
    const c = await fresh();
    const slot = await requestSlot(c, "h.txt", 2, "text/plain");
    const port = Number(new URL(slot.put).port);
    expect(await raw(port, "GARBAGE\r\n\r\n")).toMatch(/^HTTP\/1\.1 400 /);
    expect((await http("GET", slot.get, { headers: { "X-Big": "a".repeat(20_000) } })).status).toBe(431);
    expect((await upload(slot, Buffer.from("ok"), "text/plain")).status).toBe(201);
  });

  /** A PUT with Expect: 100-continue that sends its body only when invited. */
  function putExpecting(slot: { put: string }, headers: Record<string, string | number>, body: Buffer): Promise<{ status: number; continued: boolean }> {
    const u = new URL(slot.put);
    return new Promise((resolve, reject) => {
      let continued = false;
      const req = https.request({ host: "127.0.0.1", port: Number(u.port), method: "PUT", path: u.pathname, servername: u.hostname, rejectUnauthorized: false, agent: false, headers: { Expect: "100-continue", "Content-Length": body.length, ...headers } });
      req.on("continue", () => {
        continued = true;
        req.end(body);
      });
      req.on("response", (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode!, continued }));
      });
      req.on("error", reject);
      req.flushHeaders();
    });
  }

  it("invites the body of an Expect: 100-continue PUT only once the head is accepted (RFC 9110 §10.1.1)", async () => {
    const c = await fresh();
    const slot = await requestSlot(c, "e.bin", 64);
    const body = randomBytes(64);
    expect(await putExpecting(slot, { Authorization: "Bearer nope" }, body)).toEqual({ status: 403, continued: false });
    expect(await putExpecting(slot, slot.headers, body)).toEqual({ status: 201, continued: true });
    expect((await http("GET", slot.get)).body.equals(body)).toBe(true);
  });
});
