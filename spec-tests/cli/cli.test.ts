/**
 * The `server` command line, run as a real process (npm test builds dist/ first): accounts,
 * checks, certificate generation, start with defaults-like configuration, graceful SIGTERM.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { TestClient } from "../support/test-client";

const ROOT = path.join(__dirname, "..", "..");
const BIN = path.join(ROOT, "bin", "server");
const built = existsSync(path.join(ROOT, "dist", "bin", "cli.js"));
const describeBuilt = built ? describe : describe.skip;
if (!built) console.warn("dist/ is missing: run `npm run build` (npm test does) to run the CLI tests");

let dir: string;
let config: string;

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: "utf8", timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "xmppd-cli-"));
  config = path.join(dir, "config.yaml");
  writeFileSync(
    config,
    [
      'interfaces: ["127.0.0.1"]',
      "c2s_ports: [0]",
      "c2s_direct_tls_ports: []",
      "s2s_ports: []",
      `data_path: ${JSON.stringify(path.join(dir, "data"))}`,
      `certificates: ${JSON.stringify(path.join(dir, "certs"))}`,
      "log_level: info",
      "hosts:",
      "  cli.example: {}",
    ].join("\n"),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeBuilt("bin/server", () => {
  it("--help lists the commands", () => {
    const r = run(["--help"]);
    expect(r.code).toBe(0);
    for (const cmd of ["start", "adduser", "passwd", "deluser", "check", "cert"]) expect(r.out).toContain(cmd);
  });

  it("adduser, passwd and deluser manage accounts; the password may come from stdin", () => {
    expect(run(["adduser", "alice@cli.example", "--password", "one", "--config", config])).toMatchObject({ code: 0, out: "created alice@cli.example\n" });
    expect(run(["adduser", "bob@cli.example", "--config", config], "from-stdin\n")).toMatchObject({ code: 0 });
    const dup = run(["adduser", "alice@cli.example", "--password", "x", "--config", config]);
    expect(dup.code).not.toBe(0);
    expect(dup.err.trim()).toBe("server: alice@cli.example already exists");
    expect(run(["passwd", "alice@cli.example", "--password", "two", "--config", config]).code).toBe(0);
    expect(run(["deluser", "bob@cli.example", "--config", config]).code).toBe(0);
    const gone = run(["deluser", "bob@cli.example", "--config", config]);
    expect(gone.code).not.toBe(0);
    expect(gone.err).toMatch(/does not exist/);
  });

  it("refuses an address of a host it does not serve, and a malformed one, with one line", () => {
    const other = run(["adduser", "alice@elsewhere.example", "--password", "x", "--config", config]);
    expect(other.code).not.toBe(0);
    expect(other.err.trim().split("\n")).toHaveLength(1);
    const bad = run(["adduser", "a@b@c", "--password", "x", "--config", config]);
    expect(bad.code).not.toBe(0);
  });

  it("check config reports a wrong option with its path and exits non-zero", () => {
    expect(run(["check", "config", "--config", config])).toMatchObject({ code: 0 });
    const badFile = path.join(dir, "bad.yaml");
    writeFileSync(badFile, "hosts:\n  cli.example:\n    c2s_timeout: soon\n");
    const r = run(["check", "config", "--config", badFile]);
    expect(r.code).not.toBe(0);
    expect(r.err.trim()).toBe('server: hosts.cli.example.c2s_timeout: expected a duration like "5m", got "soon"');
    const missing = run(["check", "config", "--config", path.join(dir, "nope.yaml")]);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toMatch(/cannot read config file/);
  });

  it("cert generate writes a certificate that check certs then finds", () => {
    const r = run(["cert", "generate", "cli.example", "--config", config]);
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(dir, "certs", "cli.example.crt"), "utf8")).toContain("BEGIN CERTIFICATE");
    const c = run(["check", "certs", "--config", config]);
    expect(c.code).toBe(0);
    expect(c.out).toMatch(/^cli\.example: .*cli\.example\.crt \(self-signed\), valid until /m);
  });

  it("start serves clients; SIGTERM closes their streams with system-shutdown and exits 0", async () => {
    const child = spawn(process.execPath, [BIN, "start", "--config", config], { stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    const port = await new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no listener line in: ${log}`)), 20_000);
      child.stdout.on("data", (d: Buffer) => {
        log += d.toString();
        const m = /listening for c2s address=\S+ port=(\d+)/.exec(log);
        if (m) {
          clearTimeout(t);
          resolve(Number(m[1]));
        }
      });
    });
    const client = await TestClient.login({ c2sPort: port, domain: "cli.example" } as never, "alice", "two");
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await client.waitClosed(10_000)).toBe("system-shutdown");
    expect(await exited).toBe(0);
    expect(log).toMatch(/received SIGTERM, shutting down/);
  });
});
