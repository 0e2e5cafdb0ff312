/**
 * Helpers for the XEP-0363 behaviour tests: a server with an upload component on an ephemeral
 * port, slot requests over a real c2s stream, and an HTTPS client that reaches the listener on
 * loopback whatever host the slot URL names (SNI and Host come from the URL; the component's
 * certificate is the self-signed one the server generated, so it is not verified).
 */
import { readdirSync } from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import https from "node:https";
import path from "node:path";
import type { Element } from "ltx";
import { startTestServer, type TestServer, type TestServerOptions } from "../support/harness";
import { errorCondition, type TestClient } from "../support/test-client";

export const UPLOAD = "upload.localhost";
export const NS_UPLOAD = "urn:xmpp:http:upload:0";
export const NS_DATA = "jabber:x:data";
export const NS_DISCO_INFO = "http://jabber.org/protocol/disco#info";
export const NS_DISCO_ITEMS = "http://jabber.org/protocol/disco#items";

/** A test server whose upload component (at upload.localhost) has these options. */
export function startUploadServer(options: Record<string, unknown> = {}, extra: TestServerOptions = {}): Promise<TestServer> {
  const block = { module: "http-upload", http_upload_ports: [0], ...options };
  // JSON is YAML's flow syntax.
  const yaml = [extra.yaml ?? "", "components:", `  ${UPLOAD}: ${JSON.stringify(block)}`].join("\n");
  return startTestServer({ ...extra, yaml });
}

/** The directory an upload component keeps its finished files in. */
export function filesDir(ts: TestServer, component = UPLOAD): string {
  return path.join(ts.dir, "data", "http_upload", component, "files");
}

export function storedFileCount(ts: TestServer): number {
  return readdirSync(filesDir(ts)).length;
}

const attr = (v: string) => `'${v.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/'/g, "&apos;").replace(/\r/g, "&#13;").replace(/\n/g, "&#10;")}'`;

export function slotRequest(filename: string, size: number | string, contentType?: string, to = UPLOAD): string {
  const type = contentType === undefined ? "" : ` content-type=${attr(contentType)}`;
  return `<iq type='get' to='${to}'><request xmlns='${NS_UPLOAD}' filename=${attr(filename)} size=${attr(String(size))}${type}/></iq>`;
}

export interface Slot {
  put: string;
  get: string;
  headers: Record<string, string>;
}

export function slotOf(reply: Element): Slot {
  const slot = reply.getChild("slot", NS_UPLOAD);
  if (reply.attrs.type !== "result" || !slot) throw new Error(`expected a slot, got ${reply.toString()}`);
  const put = slot.getChild("put")!;
  const headers: Record<string, string> = {};
  for (const h of put.getChildren("header")) headers[h.attrs.name as string] = h.getText();
  return { put: put.attrs.url as string, get: slot.getChild("get")!.attrs.url as string, headers };
}

export async function requestSlot(c: TestClient, filename: string, size: number, contentType?: string): Promise<Slot> {
  return slotOf(await c.iq(slotRequest(filename, size, contentType)));
}

/** The stanza error condition and the reply's error element, for error assertions. */
export function uploadError(reply: Element): { condition: string | undefined; type: string | undefined; error: Element | undefined } {
  const error = reply.getChild("error");
  return { condition: errorCondition(reply), type: error?.attrs.type as string | undefined, error };
}

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * One HTTPS request to the listener a URL names, on 127.0.0.1. `path` replaces the URL's path
 * verbatim (for traversal attempts that a URL parser would normalise away).
 */
export function http(method: string, url: string, opts: { headers?: Record<string, string | number>; body?: Buffer | string; path?: string } = {}): Promise<HttpResult> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: "127.0.0.1",
        port: Number(u.port || 443),
        method,
        path: opts.path ?? u.pathname + u.search,
        servername: u.hostname,
        rejectUnauthorized: false,
        agent: false,
        headers: { Host: u.host, ...opts.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** PUTs `body` to the slot with its headers (and Content-Type when given), as a client would. */
export function upload(slot: Slot, body: Buffer, contentType?: string, headers: Record<string, string | number> = {}): Promise<HttpResult> {
  return http("PUT", slot.put, {
    headers: { ...slot.headers, "Content-Length": body.length, ...(contentType ? { "Content-Type": contentType } : {}), ...headers },
    body,
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` is true or the time is up. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
}
