/**
 * One of our servers on its own loopback address, federating through a test DNS server: the
 * `_xmpp-server._tcp` SRV and A records of its domains point at its s2s listener. Certificates
 * come from a test CA (SASL EXTERNAL) or are left to the server to self-sign (dialback).
 */
import "reflect-metadata";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestDnsServer } from "../../../lib/dns/test-support/dns-server";
import { parseConfigText } from "../../../lib/config/load";
import { Logger } from "../../../lib/log";
import { s2sService } from "../../../lib/s2s/service";
import { Server } from "../../../lib/server";
import type { Issued, TestPki } from "../../../lib/tls/test-support/pki";
import { DEFAULT_MODULES, MODULES } from "../../../modules";

export interface PeerOptions {
  address: string;
  domains: string[];
  dns: TestDnsServer;
  /** Issue each domain a certificate from this CA (SAN DNS:<domain>, or `certNames`); trust the CA. */
  ca?: { pki: TestPki; root: Issued };
  /** Domains that get no certificate from `ca` (the server self-signs one). */
  selfSigned?: string[];
  /** Trust this CA without getting a certificate from it (self-signed servers that still check peers). */
  trustCa?: Issued;
  /** Top-level options, over the defaults below. */
  options?: Record<string, unknown>;
  /** Options per host. */
  hostOptions?: Record<string, Record<string, unknown>>;
  /** Component hosts (domain → block with `module`), published in DNS like the domains. */
  components?: Record<string, Record<string, unknown>>;
  /** Publish DNS records for the domains (default true). */
  publish?: boolean;
}

export interface Peer {
  server: Server;
  address: string;
  domains: string[];
  c2sPort: number;
  s2sPort: number;
  log: string[];
  addUser(jid: string, password: string): Promise<void>;
  /** Publishes SRV and A records for the peer's domains (done at start unless publish: false). */
  publish(): void;
  /** Graceful stop (stream errors, listeners closed). */
  stop(): Promise<void>;
  /** Dies without a word: listeners and every socket dropped, nothing sent. */
  kill(): Promise<void>;
}

export async function startPeer(o: PeerOptions): Promise<Peer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "xmppd-fed-"));
  const certs = path.join(dir, "certs");
  mkdirSync(certs);
  const caFiles: string[] = [];
  if (o.ca) {
    for (const d of o.domains) {
      if (o.selfSigned?.includes(d)) continue;
      const issued = o.ca.pki.issue(`${d}-${path.basename(dir)}`, o.ca.root, { san: `DNS:${d}` });
      writeFileSync(path.join(certs, `${d}.crt`), issued.cert);
      writeFileSync(path.join(certs, `${d}.key`), issued.key);
    }
    caFiles.push(o.ca.root.certPath);
  }
  if (o.trustCa) caFiles.push(o.trustCa.certPath);
  const options: Record<string, unknown> = {
    interfaces: [o.address],
    c2s_ports: [0],
    c2s_direct_tls_ports: [],
    s2s_ports: [0],
    certificates: certs,
    data_path: path.join(dir, "data"),
    storage: "memory",
    dns_servers: [o.dns.server],
    s2s_ca_files: caFiles,
    s2s_connect_timeout: "2s",
    s2s_negotiation_timeout: "10s",
    stream_close_timeout: "1s",
    ...o.options,
  };
  // JSON is YAML: one line per option keeps the generated file readable in failures.
  const yaml = [
    ...Object.entries(options).map(([k, v]) => `${k}: ${JSON.stringify(v)}`),
    `hosts:`,
    ...o.domains.map((d) => `  ${JSON.stringify(d)}: ${JSON.stringify(o.hostOptions?.[d] ?? {})}`),
    ...(o.components ? ["components:", ...Object.entries(o.components).map(([d, b]) => `  ${JSON.stringify(d)}: ${JSON.stringify(b)}`)] : []),
  ].join("\n");
  const log: string[] = [];
  const logger = new Logger((process.env.XMPPD_TEST_LOG as "debug" | undefined) ?? "info", o.domains[0], (line) => {
    if (process.env.XMPPD_TEST_LOG) process.stderr.write(line + "\n");
    log.push(line);
  });
  const server = new Server(parseConfigText(yaml), { registry: MODULES, defaultModules: DEFAULT_MODULES, log: logger, scramIterations: 4096 });
  try {
    await server.start();
  } catch (e) {
    await server.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${o.domains[0]} did not start: ${(e as Error).message}\n${log.join("\n")}`);
  }
  const port = (name: string) => server.boundAddresses().find((a) => a.name === name)?.port ?? 0;
  const peer: Peer = {
    server,
    address: o.address,
    domains: o.domains,
    c2sPort: port("c2s"),
    s2sPort: port("s2s"),
    log,
    addUser: async (jid, password) => {
      const [local, domain] = jid.split("@");
      await server.accounts.create(domain, local, password);
    },
    publish() {
      for (const d of [...o.domains, ...Object.keys(o.components ?? {})]) {
        o.dns.set(d, [{ type: "A", address: o.address }]);
        o.dns.set(`_xmpp-server._tcp.${d}`, [{ type: "SRV", priority: 0, weight: 0, port: peer.s2sPort, target: d }]);
      }
    },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    async kill() {
      for (const l of (server as unknown as { listeners: { server: import("node:net").Server }[] }).listeners) l.server.close();
      for (const s of [...server.streams]) s.destroy();
      s2sService(server).manager.shutdown();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (o.publish !== false) peer.publish();
  return peer;
}
