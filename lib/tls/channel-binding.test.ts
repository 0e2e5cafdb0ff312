import { createHash } from "node:crypto";
import * as net from "node:net";
import * as tls from "node:tls";
import { CertificateStore } from "./certs";
import { channelBindingData, supportedChannelBindings } from "./channel-binding";
import { tlsServerOptions } from "./server-options";
import { removeDir, tempDir, TestPki, type Issued } from "./test-support/pki";
import { tlsPair, type Pair } from "./test-support/tls-pair";

let dir: string;
let pkiDir: string;
let store: CertificateStore;
let p384: Issued;
let ed25519: Issued;

beforeAll(async () => {
  dir = tempDir("cb");
  store = new CertificateStore(dir);
  await store.ensure("a.example");
  await store.ensure("b.example");
  pkiDir = tempDir("cb-pki");
  const pki = new TestPki(pkiDir);
  p384 = pki.selfSigned("p384", "/CN=p384", ["subjectAltName=DNS:p384.example"], 30, ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-sha384"]);
  ed25519 = pki.selfSigned("ed", "/CN=ed", ["subjectAltName=DNS:ed.example"], 30, ["-newkey", "ed25519"]);
});
afterAll(() => {
  removeDir(dir);
  removeDir(pkiDir);
});

const insecure: tls.ConnectionOptions = { rejectUnauthorized: false };

async function withPair<T>(p: Promise<Pair>, fn: (pair: Pair) => T): Promise<T> {
  const pair = await p;
  try {
    return fn(pair);
  } finally {
    await pair.close();
  }
}

const both = (p: Pair, type: string) => [channelBindingData(p.server, type, "server"), channelBindingData(p.client, type, "client")];

describe.each(["TLSv1.2", "TLSv1.3"] as const)("%s", (version) => {
  const connect = (clientOpts: tls.ConnectionOptions = {}) =>
    tlsPair("starttls", tlsServerOptions(store, "a.example"), { ...insecure, maxVersion: version, ...clientOpts });

  test("tls-exporter: 32 bytes, equal on both sides, different per connection", async () => {
    const first = await withPair(connect(), (p) => {
      expect(p.client.getProtocol()).toBe(version);
      const [s, c] = both(p, "tls-exporter");
      expect(s).toHaveLength(32);
      expect(s).toEqual(c);
      // RFC 9266: zero-length context — on TLS 1.2 that differs from "no context".
      expect(s).toEqual(p.client.exportKeyingMaterial(32, "EXPORTER-Channel-Binding", Buffer.alloc(0)));
      return s;
    });
    const second = await withPair(connect(), (p) => channelBindingData(p.server, "tls-exporter", "server"));
    expect(second).not.toEqual(first);
  });

  test("tls-server-end-point: SHA-256 of the certificate the client saw, for the SNI-selected host", async () => {
    await withPair(connect({ servername: "b.example" }), (p) => {
      const peer = p.client.getPeerCertificate(true);
      expect(peer.subjectaltname).toBe("DNS:b.example");
      const expected = createHash("sha256").update(peer.raw).digest();
      expect(both(p, "tls-server-end-point")).toEqual([expected, expected]);
    });
  });

  test("tls-unique on a full handshake: the client's Finished on both sides", async () => {
    await withPair(connect(), (p) => {
      const [s, c] = both(p, "tls-unique");
      expect(s).toBeDefined();
      expect(s).toEqual(c);
      expect(s).toEqual(p.client.getFinished());
      expect(s).not.toEqual(p.client.getPeerFinished());
    });
  });

  test("tls-unique on a resumed session: the server's Finished on both sides", async () => {
    const server = tls.createServer(tlsServerOptions(store, "a.example"));
    const accepted: tls.TLSSocket[] = [];
    server.on("secureConnection", (s: tls.TLSSocket) => {
      accepted.push(s);
      s.on("error", () => {});
      s.write("x"); // lets a TLS 1.3 client receive its session ticket
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as net.AddressInfo;
    const dial = (session?: Buffer) =>
      new Promise<{ client: tls.TLSSocket; session?: Buffer }>((resolve, reject) => {
        let ticket: Buffer | undefined;
        const client = tls.connect({ host: "127.0.0.1", port, ...insecure, maxVersion: version, session });
        client.on("session", (s: Buffer) => (ticket = s));
        client.once("data", () => setTimeout(() => resolve({ client, session: ticket }), 20));
        client.on("error", reject);
      });
    try {
      const first = await dial();
      first.client.destroy();
      expect(first.session).toBeDefined();
      const second = await dial(first.session);
      try {
        const srv = accepted[1];
        expect(second.client.isSessionReused()).toBe(true);
        expect(srv.isSessionReused()).toBe(true);
        const s = channelBindingData(srv, "tls-unique", "server");
        expect(s).toEqual(channelBindingData(second.client, "tls-unique", "client"));
        expect(s).toEqual(srv.getFinished());
      } finally {
        second.client.destroy();
      }
    } finally {
      for (const s of accepted) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  test("unknown types give undefined", async () => {
    await withPair(connect(), (p) => {
      expect(channelBindingData(p.server, "tls-bogus", "server")).toBeUndefined();
    });
  });

  test("supportedChannelBindings advertises tls-unique on 1.2 only", async () => {
    await withPair(connect(), (p) => {
      expect(supportedChannelBindings(p.server)).toEqual(
        version === "TLSv1.2" ? ["tls-exporter", "tls-server-end-point", "tls-unique"] : ["tls-exporter", "tls-server-end-point"],
      );
    });
  });
});

describe("tls-server-end-point hash choice (RFC 5929 §4.1)", () => {
  test("a certificate signed with ecdsa-with-SHA384 is hashed with SHA-384", async () => {
    await withPair(tlsPair("direct", { cert: p384.cert, key: p384.key }, insecure), (p) => {
      const expected = createHash("sha384").update(p.client.getPeerCertificate().raw).digest();
      expect(both(p, "tls-server-end-point")).toEqual([expected, expected]);
    });
  });
  test("Ed25519 (no separate hash) leaves it undefined and unadvertised", async () => {
    await withPair(tlsPair("direct", { cert: ed25519.cert, key: ed25519.key }, insecure), (p) => {
      expect(both(p, "tls-server-end-point")).toEqual([undefined, undefined]);
      expect(supportedChannelBindings(p.server)).toEqual(["tls-exporter"]);
    });
  });
});
