/**
 * Starts a real server in-process on loopback with ephemeral ports, a throw-away certificate
 * directory and memory storage (or SQLite in a temp dir), for behaviour tests over real sockets.
 */
import "reflect-metadata";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseConfigText } from "../../lib/config/load";
import { Logger } from "../../lib/log";
import { Server } from "../../lib/server";
import { DEFAULT_MODULES, MODULES } from "../../modules";
import type { Schema } from "../../lib/config/options";
import type { ModuleDefinition } from "../../lib/module-host/define";

export interface TestServer {
  server: Server;
  /** Every log line the server wrote. */
  logLines: string[];
  domain: string;
  c2sPort: number;
  directTlsPort: number;
  dir: string;
  addUser(local: string, password: string, domain?: string): Promise<void>;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  /** Extra YAML appended to the generated configuration. */
  yaml?: string;
  hosts?: string[];
  storage?: "memory" | "sqlite";
  dir?: string;
  logLevel?: "debug" | "info" | "warn" | "error";
  /** Extra modules (e.g. deliberately broken ones), loaded on every host after the defaults. */
  extraModules?: ModuleDefinition<Schema>[];
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dir = opts.dir ?? mkdtempSync(path.join(os.tmpdir(), "xmppd-test-"));
  const hosts = opts.hosts ?? ["localhost"];
  const yaml = [
    `interfaces: ["127.0.0.1"]`,
    `c2s_ports: [0]`,
    `c2s_direct_tls_ports: [0]`,
    `s2s_ports: []`,
    `data_path: ${JSON.stringify(path.join(dir, "data"))}`,
    `certificates: ${JSON.stringify(path.join(dir, "certs"))}`,
    `storage: ${opts.storage ?? "memory"}`,
    // Tests open many connections from 127.0.0.1 in quick succession; the limit has its own tests.
    ...(opts.yaml?.includes("c2s_connection_rate") ? [] : ["c2s_connection_rate: 0"]),
    ...(opts.yaml?.includes("c2s_read_rate") ? [] : ["c2s_read_rate: 0"]),
    opts.yaml ?? "",
    `hosts:`,
    ...hosts.map((h) => `  ${h}: {}`),
  ].join("\n");
  const lines: string[] = [];
  const log = new Logger(opts.logLevel ?? (process.env.XMPPD_TEST_LOG as "debug" | undefined) ?? "error", "", (l) => {
    if (process.env.XMPPD_TEST_LOG) process.stderr.write(l + "\n");
    lines.push(l);
  });
  const registry = new Map(MODULES);
  for (const m of opts.extraModules ?? []) registry.set(m.name, m);
  const defaultModules = [...DEFAULT_MODULES, ...(opts.extraModules ?? []).map((m) => m.name)];
  const server = new Server(parseConfigText(yaml), { registry, defaultModules, log, scramIterations: 4096 });
  await server.start();
  const addrs = server.boundAddresses();
  const port = (name: string) => addrs.find((a) => a.name === name)?.port ?? 0;
  return {
    server,
    logLines: lines,
    domain: hosts[0],
    c2sPort: port("c2s"),
    directTlsPort: port("c2s direct TLS"),
    dir,
    addUser: (local, password, domain = hosts[0]) => server.accounts.create(domain, local, password),
    async stop() {
      await server.stop();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
