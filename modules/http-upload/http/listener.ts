/**
 * The upload service's HTTPS listeners: one server per port and interface, with timeouts and caps
 * that keep idle or slow clients from holding sockets, and a close that drops every connection.
 *
 * References:
 * - RFC 9110 §4.2.2 (https), RFC 9112 §9.3 (persistent connections)
 * - RFC 7301 §3.2 (ALPN: http/1.1 only)
 * - RFC 6585 §5 (431 Request Header Fields Too Large)
 * - reliability.md HTTP-10 (oversized headers: 431; malformed requests: 400; no crash)
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { TlsOptions } from "node:tls";
import type { Logger } from "../../../lib/log";
import { hardenTlsSocket } from "../../../lib/tls/server-options";

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface HttpsListener {
  /** The bound ports, in the configured order (an ephemeral one resolved). */
  readonly ports: number[];
  close(): Promise<void>;
}

/** Headers must arrive within this; a slow body is bounded by the idle timeout instead. */
const HEADERS_TIMEOUT_MS = 20_000;
const IDLE_TIMEOUT_MS = 60_000;
const MAX_CONNECTIONS = 1000;
const MAX_HEADER_BYTES = 16_384;

function listenOne(server: https.Server, port: number, iface: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host: iface === "*" ? undefined : iface }, () => {
      server.removeListener("error", reject);
      resolve();
    });
  });
}

function closeOne(server: https.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function listenHttps(opts: { interfaces: readonly string[]; ports: readonly number[]; tls: TlsOptions; handler: RequestHandler; log: Logger }): Promise<HttpsListener> {
  const servers: https.Server[] = [];
  const ports: number[] = [];
  const close = async () => {
    await Promise.all(servers.splice(0).map(closeOne));
  };
  try {
    for (const port of opts.ports) {
      for (const iface of opts.interfaces) {
        const server = https.createServer({ ...opts.tls, headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: 0, maxHeaderSize: MAX_HEADER_BYTES }, opts.handler);
        // The handler decides before the body is sent whether to accept it (RFC 9110 §10.1.1).
        server.on("checkContinue", opts.handler);
        server.on("secureConnection", hardenTlsSocket);
        server.on("tlsClientError", (err) => opts.log.debug("TLS handshake failed", { err: err.message }));
        server.on("error", (err) => opts.log.error("upload listener error", { err }));
        server.setTimeout(IDLE_TIMEOUT_MS);
        server.maxConnections = MAX_CONNECTIONS;
        servers.push(server);
        await listenOne(server, port, iface);
        const addr = server.address() as AddressInfo;
        ports.push(addr.port);
        opts.log.info("listening for HTTP uploads", { address: addr.address, port: addr.port });
      }
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { ports, close };
}
