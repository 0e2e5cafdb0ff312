/**
 * TCP and direct-TLS listeners. "*" listens on every address (IPv6 and IPv4 when available).
 */
import net from "node:net";
import tls from "node:tls";
import type { Logger } from "../log";

export interface ListenerSpec {
  name: string;
  interfaces: readonly string[];
  ports: readonly number[];
  /** Present for direct TLS listeners. */
  tls?: tls.TlsOptions;
  /**
   * Called first for every TCP connection, before any TLS: false means it was refused, and the
   * callback has already answered or destroyed the socket.
   */
  admit?(socket: net.Socket): boolean;
  onConnection(socket: net.Socket): void;
}

export interface BoundListener {
  name: string;
  address: string;
  port: number;
  server: net.Server;
}

function listenOne(server: net.Server, port: number, address: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once("error", onError);
    server.listen({ port, host: address, backlog: 1024 }, () => {
      server.removeListener("error", onError);
      resolve();
    });
  });
}

export async function startListeners(specs: readonly ListenerSpec[], log: Logger): Promise<BoundListener[]> {
  const bound: BoundListener[] = [];
  try {
    for (const spec of specs) {
      for (const port of spec.ports) {
        for (const iface of spec.interfaces) {
          const admit = spec.admit;
          const server = spec.tls
            ? tls.createServer(spec.tls, (s) => spec.onConnection(s))
            : net.createServer({ noDelay: true }, (s) => {
                if (!admit || admit(s)) spec.onConnection(s);
              });
          // tls.Server starts the handshake from its own "connection" listener, which runs first;
          // a refused socket is destroyed before the handshake gets anywhere.
          if (spec.tls && admit) server.on("connection", (s: net.Socket) => void admit(s));
          if (spec.tls) {
            // Failed handshakes (scanners, wrong protocol) are normal traffic, not errors.
            server.on("tlsClientError", (err) => log.debug("TLS handshake failed", { listener: spec.name, err: err.message }));
          }
          server.on("error", (err) => log.error("listener error", { listener: spec.name, err }));
          await listenOne(server, port, iface === "*" ? undefined : iface);
          const addr = server.address() as net.AddressInfo;
          bound.push({ name: spec.name, address: addr.address, port: addr.port, server });
          log.info(`listening for ${spec.name}`, { address: addr.address, port: addr.port });
        }
      }
    }
  } catch (err) {
    await stopListeners(bound);
    throw err;
  }
  return bound;
}

export async function stopListeners(bound: readonly BoundListener[]): Promise<void> {
  await Promise.all(bound.map((l) => new Promise<void>((resolve) => l.server.close(() => resolve()))));
}
