/**
 * Opens the transport to a remote server: each target in order, each of its addresses in turn,
 * until one accepts. Direct TLS targets get a TLS handshake right away (ALPN "xmpp-server",
 * SNI = the remote domain); certificate policy is applied later, on the stream.
 *
 * References:
 * - RFC 6120 §3.2.1 step 9 (on failure, try the next target), §3.3 (reconnection)
 * - XEP-0368 §3 (Direct TLS: SNI and ALPN)
 */
import net from "node:net";
import tls from "node:tls";
import type { DnsResolver } from "../dns";
import type { Target } from "./targets";

export interface Connected {
  socket: net.Socket;
  target: Target;
  address: string;
}

export interface ConnectOptions {
  resolver: DnsResolver;
  timeoutMs: number;
  /** TLS options for Direct TLS targets (ours: tlsClientOptions with ALPN xmpp-server). */
  tlsOptions: () => tls.ConnectionOptions;
  /** Checked between attempts: stop when the link was given up meanwhile. */
  cancelled?: () => boolean;
}

export class ConnectError extends Error {
  constructor(
    message: string,
    /** True when at least one attempt timed out rather than being refused. */
    readonly timedOut: boolean,
  ) {
    super(message);
    this.name = "ConnectError";
  }
}

export async function connectToTargets(targets: readonly Target[], opts: ConnectOptions): Promise<Connected> {
  const failures: string[] = [];
  let timedOut = false;
  for (const target of targets) {
    let addresses: string[];
    try {
      addresses = await opts.resolver.addresses(target.host);
    } catch (err) {
      failures.push(`${target.host}: ${(err as Error).message}`);
      continue;
    }
    if (addresses.length === 0) failures.push(`${target.host}: no A/AAAA records`);
    for (const address of addresses) {
      if (opts.cancelled?.()) throw new ConnectError("cancelled", false);
      try {
        const socket = await attempt(address, target, opts);
        return { socket, target, address };
      } catch (err) {
        const e = err as Error & { code?: string };
        if (e.code === "ETIMEDOUT") timedOut = true;
        failures.push(`${target.host} [${address}]:${target.port}${target.directTls ? " (Direct TLS)" : ""}: ${e.code ?? e.message}`);
      }
    }
  }
  throw new ConnectError(failures.length ? failures.join("; ") : "no targets", timedOut);
}

function attempt(address: string, target: Target, opts: ConnectOptions): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket: net.Socket = target.directTls
      ? tls.connect({ ...opts.tlsOptions(), host: address, port: target.port })
      : net.connect({ host: address, port: target.port, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" }));
    }, opts.timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    socket.once("error", fail);
    socket.once(target.directTls ? "secureConnect" : "connect", () => {
      clearTimeout(timer);
      socket.removeListener("error", fail);
      resolve(socket);
    });
  });
}
