/**
 * A real TLS server and client on 127.0.0.1 (ephemeral port) for tests, either as Direct TLS
 * (tls.createServer) or STARTTLS-style (plain TCP wrapped in `new tls.TLSSocket(raw, { isServer: true })`).
 *
 * References:
 * - Node.js tls module (createServer, connect, TLSSocket)
 */
import { EventEmitter } from "node:events";
import * as net from "node:net";
import * as tls from "node:tls";

export interface Pair {
  server: tls.TLSSocket;
  client: tls.TLSSocket;
  close(): Promise<void>;
}

/** Rejection value when the handshake fails. */
export interface HandshakeFailure {
  clientError: NodeJS.ErrnoException;
  serverError?: NodeJS.ErrnoException;
}

export async function tlsPair(
  mode: "direct" | "starttls",
  serverOpts: tls.TlsOptions,
  clientOpts: tls.ConnectionOptions,
  onServerSocket?: (sock: tls.TLSSocket) => void,
): Promise<Pair> {
  const side = new EventEmitter();
  let server: net.Server;
  if (mode === "direct") {
    const s = tls.createServer(serverOpts);
    s.on("secureConnection", (sock: tls.TLSSocket) => side.emit("secure", sock));
    s.on("tlsClientError", (err: Error) => side.emit("fail", err));
    server = s;
  } else {
    server = net.createServer((raw) => {
      const sock = new tls.TLSSocket(raw, { isServer: true, ...serverOpts });
      sock.on("secure", () => side.emit("secure", sock));
      sock.on("error", (err: Error) => side.emit("fail", err));
    });
  }
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;

  return new Promise<Pair>((resolve, reject) => {
    let serverSock: tls.TLSSocket | undefined;
    let serverError: NodeJS.ErrnoException | undefined;
    let clientReady = false;
    let settled = false;
    const client =
      mode === "direct"
        ? tls.connect({ host: "127.0.0.1", port, ...clientOpts })
        : tls.connect({ socket: net.connect(port, "127.0.0.1"), ...clientOpts });
    const close = async (): Promise<void> => {
      serverSock?.destroy();
      client.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    };
    const done = (): void => {
      if (settled || !serverSock || !clientReady) return;
      settled = true;
      resolve({ server: serverSock, client, close });
    };
    side.on("secure", (sock: tls.TLSSocket) => {
      serverSock = sock;
      sock.on("error", () => {});
      onServerSocket?.(sock);
      done();
    });
    side.on("fail", (err: NodeJS.ErrnoException) => {
      serverError = err;
    });
    client.on("secureConnect", () => {
      clientReady = true;
      done();
    });
    client.on("error", (clientError: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      // Let the server's side of the failure arrive too, so tests can look at both.
      setTimeout(() => void close().then(() => reject({ clientError, serverError } satisfies HandshakeFailure)), 20);
    });
  });
}

/** Resolves with the failure, or rejects if the handshake unexpectedly succeeded. */
export async function expectHandshakeFailure(p: Promise<Pair>): Promise<HandshakeFailure> {
  let pair: Pair;
  try {
    pair = await p;
  } catch (failure) {
    return failure as HandshakeFailure;
  }
  await pair.close();
  throw new Error(`handshake unexpectedly succeeded (${pair.client.getProtocol()}, ALPN ${String(pair.client.alpnProtocol)})`);
}
