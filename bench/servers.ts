/**
 * Servers the benchmark starts and stops itself, each on its own loopback address with its own
 * state under the work directory (nothing under /etc is touched):
 *   ours      node bin/server start --config WORK/ours/config.yaml          127.0.0.4  xmppd.test
 *   prosody   /usr/bin/prosody --config WORK/prosody/prosody.cfg.lua -F     127.0.0.5  prosody.test
 *   ejabberd  ejabberdctl … foreground as user ejabberd (setpriv, no PAM)    127.0.0.6  ejabberd.test
 *   dnsmasq   only for federation: A + SRV records of the three domains      DNS_IP (127.0.0.54)
 * Certificates: a private CA and ECDSA P-256 leaf certificates made with openssl (WORK/certs).
 * Every process is stopped by its own pid (TERM, then KILL after a grace period).
 */
import { ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { appendFileSync, chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import type { Target } from "./client";

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const REPO = path.resolve(__dirname, "..", "..");
export const DNS_IP = "127.0.0.54";

export type ServerName = "ours" | "ours2" | "prosody" | "ejabberd";

export interface ServerSpec {
  name: ServerName;
  ip: string;
  domain: string;
}

export const SPECS: Record<ServerName, ServerSpec> = {
  ours: { name: "ours", ip: "127.0.0.4", domain: "xmppd.test" },
  /** A second instance of ours: the s2s peer when the bench runs without --compare. */
  ours2: { name: "ours2", ip: "127.0.0.7", domain: "xmppd2.test" },
  prosody: { name: "prosody", ip: "127.0.0.5", domain: "prosody.test" },
  ejabberd: { name: "ejabberd", ip: "127.0.0.6", domain: "ejabberd.test" },
};

export interface StartOptions {
  work: string;
  /** Open an s2s port (federation scenario). */
  s2s: boolean;
  /** Our server only: write a V8 CPU profile into this directory. */
  cpuProfDir?: string;
  /** Our server only: extra YAML lines for the configuration. */
  oursYaml?: string;
  /** Our server only: keep message archiving (mam) on; neither reference configuration archives. */
  oursMam?: boolean;
  /** Our server only: run this copy of dist/ (see snapshotOurs) instead of the live one. */
  oursDist?: string;
  /** Our server only: extra node options (e.g. --heapsnapshot-signal=SIGUSR2). */
  oursNodeArgs?: string[];
  log: (msg: string) => void;
}

export interface RunningServer {
  spec: ServerSpec;
  target: Target;
  /** The process whose CPU and memory are measured. */
  pid: number;
  version: string;
  command: string;
  /** Where its output goes. */
  logFile: string;
  /** Undefined while it runs; how it ended otherwise. */
  exited(): string | undefined;
  stop(): Promise<void>;
}

function exitOf(child: ChildProcess): string | undefined {
  if (child.exitCode !== null) return `exit code ${child.exitCode}`;
  if (child.signalCode !== null) return `signal ${child.signalCode}`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// helpers

export function portOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (v: boolean) => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once("connect", () => done(true));
    s.once("error", () => done(false));
  });
}

async function waitPort(host: string, port: number, ms: number, child?: ChildProcess, output?: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) throw new Error(`exited (${child.exitCode ?? child.signalCode}) before listening on ${host}:${port}\n${output?.() ?? ""}`);
    if (await portOpen(host, port)) return;
    await sleep(200);
  }
  throw new Error(`nothing listens on ${host}:${port} after ${ms} ms\n${output?.() ?? ""}`);
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** TERM the pid, wait, KILL if still there. */
export async function stopPid(pid: number, graceMs = 15_000): Promise<void> {
  if (!alive(pid)) return;
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  const end = Date.now() + graceMs;
  while (Date.now() < end) {
    if (!alive(pid)) return;
    await sleep(100);
  }
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // gone
  }
}

/** Every child process we started, so that an exit path can stop what is left (by pid). */
export const started = new Set<number>();

function track(child: ChildProcess, label: string): ChildProcess {
  if (child.pid) started.add(child.pid);
  child.once("exit", () => child.pid && started.delete(child.pid));
  child.on("error", (e) => console.error(`[bench] ${label}: ${e.message}`));
  return child;
}

/** Keeps the tail of a child's output in memory and appends all of it to logFile (when given). */
function capture(child: ChildProcess, logFile?: string): () => string {
  let out = "";
  if (logFile) appendFileSync(logFile, `--- ${new Date().toISOString()} pid ${child.pid} started\n`);
  const add = (d: Buffer) => {
    out += d.toString();
    if (out.length > 20_000) out = out.slice(-10_000);
    if (logFile) appendFileSync(logFile, d);
  };
  child.stdout?.on("data", add);
  child.stderr?.on("data", add);
  child.once("exit", (code, signal) => {
    if (logFile) appendFileSync(logFile, `--- ${new Date().toISOString()} pid ${child.pid} exited (${signal ?? code})\n`);
  });
  return () => out;
}

function pkgVersion(pkg: string): string {
  try {
    return execFileSync("dpkg-query", ["-W", "-f", "${Version}", pkg], { encoding: "utf8" }).trim();
  } catch {
    return "?";
  }
}

// ---------------------------------------------------------------------------------------------
// certificates

export function ensureCerts(work: string): { dir: string; caPem: string } {
  const dir = path.join(work, "certs");
  mkdirSync(dir, { recursive: true });
  const ca = path.join(dir, "bench-ca.crt");
  const q = { cwd: dir, stdio: "ignore" as const };
  if (!existsSync(ca)) {
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "3650", "-subj", "/CN=XMPP bench local CA", "-keyout", "bench-ca.key", "-out", "bench-ca.crt", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], q);
  }
  for (const { domain } of Object.values(SPECS)) {
    if (existsSync(path.join(dir, `${domain}.crt`)) && existsSync(path.join(dir, `${domain}.key`))) continue;
    execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", `/CN=${domain}`, "-keyout", `${domain}.key`, "-out", `${domain}.csr`], q);
    writeFileSync(path.join(dir, `${domain}.ext`), [`subjectAltName=DNS:${domain},DNS:*.${domain}`, "basicConstraints=CA:FALSE", "keyUsage=critical,digitalSignature", "extendedKeyUsage=serverAuth,clientAuth"].join("\n") + "\n");
    execFileSync("openssl", ["x509", "-req", "-in", `${domain}.csr`, "-CA", "bench-ca.crt", "-CAkey", "bench-ca.key", "-CAcreateserial", "-days", "3650", "-extfile", `${domain}.ext`, "-out", `${domain}.crt`], q);
    rmSync(path.join(dir, `${domain}.csr`));
    rmSync(path.join(dir, `${domain}.ext`));
  }
  return { dir, caPem: readFileSync(ca, "utf8") };
}

function targetOf(spec: ServerSpec, caPem: string): Target {
  return { name: spec.name, host: spec.ip, port: 5222, domain: spec.domain, ca: caPem };
}

function ensureFree(spec: ServerSpec): Promise<void> {
  return portOpen(spec.ip, 5222).then((busy) => {
    if (busy) throw new Error(`${spec.ip}:5222 is already in use (a ${spec.name} left running? stop it by its pid first)`);
  });
}

// ---------------------------------------------------------------------------------------------
// our server

export async function startOurs(o: StartOptions, spec: ServerSpec = SPECS.ours): Promise<RunningServer> {
  await ensureFree(spec);
  const { dir: certs, caPem } = ensureCerts(o.work);
  const base = path.join(o.work, spec.name);
  mkdirSync(path.join(base, "certs"), { recursive: true });
  for (const ext of ["crt", "key"]) writeFileSync(path.join(base, "certs", `${spec.domain}.${ext}`), readFileSync(path.join(certs, `${spec.domain}.${ext}`)));
  const config = path.join(base, "config.yaml");
  writeFileSync(
    config,
    [
      `# written by bench/servers.ts`,
      `interfaces: ["${spec.ip}"]`,
      `c2s_ports: [5222]`,
      `c2s_direct_tls_ports: []`,
      `s2s_ports: [${o.s2s ? 5269 : ""}]`,
      `data_path: ${JSON.stringify(path.join(base, "data"))}`,
      `certificates: ${JSON.stringify(path.join(base, "certs"))}`,
      `log_level: warn`,
      // The generator opens thousands of connections from one address; Prosody's and ejabberd's
      // configurations here do not limit connections per address either.
      `c2s_connection_rate: 0`,
      // Prosody's configuration here leaves out mod_limits; ejabberd's turns its shapers off.
      `c2s_read_rate: 0`,
      // federation: trust the bench CA, resolve the test domains with the bench dnsmasq
      ...(o.s2s ? [`s2s_ca_files: [${JSON.stringify(path.join(certs, "bench-ca.crt"))}]`, `dns_servers: ["${DNS_IP}"]`] : []),
      o.oursYaml ?? "",
      `hosts:`,
      `  ${spec.domain}:`,
      `    allow_registration: true`,
      `    registration_throttle_max: 0`,
      // Prosody's and ejabberd's configurations here do not archive messages (no mod_mam).
      ...(o.oursMam ? [] : [`    modules_disabled: [mam]`]),
      ``,
    ].join("\n"),
  );
  const entry = o.oursDist
    ? // the snapshot taken at the start of the run (see snapshotOurs)
      ["-e", `require(${JSON.stringify(path.join(o.oursDist, "bin", "cli.js"))}).main(["node", "server", ...process.argv.slice(1)]).catch((e) => { console.error(e); process.exit(1); })`]
    : [path.join(REPO, "bin", "server")];
  const args = [...(o.cpuProfDir ? ["--cpu-prof", "--cpu-prof-dir", o.cpuProfDir] : []), ...(o.oursNodeArgs ?? []), ...entry, "start", "--config", config];
  const label = spec.name;
  const child = track(
    spawn(process.execPath, args, {
      cwd: base,
      stdio: ["ignore", "pipe", "pipe"],
      // NODE_PATH: the snapshot outside the checkout still finds the project's dependencies
      env: { ...process.env, NODE_PATH: path.join(REPO, "node_modules") },
    }),
    label,
  );
  const output = capture(child, path.join(base, "server.log"));
  try {
    await waitPort(spec.ip, 5222, 30_000, child, output);
  } catch (e) {
    await stopPid(child.pid!);
    throw new Error(`${label}: ${(e as Error).message}`);
  }
  const version = JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")).version as string;
  let commit = "";
  try {
    commit = execFileSync("git", ["-C", REPO, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    // not a checkout
  }
  return {
    spec,
    target: targetOf(spec, caPem),
    pid: child.pid!,
    version: `xmppd ${version}${commit ? ` (${commit} + working tree)` : ""}, Node ${process.version}`,
    command: `node ${args.map((a) => (a.startsWith(REPO + path.sep) ? path.relative(REPO, a) : a)).join(" ")}`,
    logFile: path.join(base, "server.log"),
    exited: () => exitOf(child),
    stop: async () => {
      await stopPid(child.pid!);
      const out = output();
      if (/error|uncaught/i.test(out)) o.log(`${label} wrote on exit: ${out.slice(-600)}`);
    },
  };
}

/**
 * Copies the compiled server (dist/bin, dist/lib, dist/modules) into WORK/ours-dist, so that every
 * repetition of a run measures the same code even when someone rebuilds the checkout meanwhile.
 */
export function snapshotOurs(work: string): string {
  const dest = path.join(work, "ours-dist");
  rmSync(dest, { recursive: true, force: true });
  for (const d of ["bin", "lib", "modules"]) {
    const src = path.join(REPO, "dist", d);
    if (!existsSync(src)) throw new Error(`${src} is missing: run npm run build first`);
    cpSync(src, path.join(dest, d), { recursive: true });
  }
  return dest;
}

// ---------------------------------------------------------------------------------------------
// Prosody

export function prosodyConfig(work: string, s2s: boolean): string {
  const spec = SPECS.prosody;
  const base = path.join(work, "prosody");
  return `-- written by bench/servers.ts. Based on the anchors' configuration (Debian's default module set,
-- "limits" off, epoll) with Nagle disabled (the anchors' variant-nodelay), listening on ${spec.ip} only.
run_as_root = true
pidfile = "${base}/prosody.pid"
data_path = "${base}/data"
interfaces = { "${spec.ip}" }
local_interfaces = { "${spec.ip}" }
c2s_ports = { 5222 }
c2s_direct_tls_ports = { }
s2s_ports = { ${s2s ? 5269 : ""} }
http_ports = { }
https_ports = { }
network_backend = "epoll"
network_settings = { nagle = false }
admins = { }
modules_enabled = {
	"disco"; "roster"; "saslauth"; "tls"; "blocklist"; "bookmarks"; "carbons"; "dialback";
	"pep"; "private"; "smacks"; "vcard4"; "vcard_legacy"; "csi_simple"; "invites";
	"invites_adhoc"; "invites_register"; "ping"; "register"; "time"; "uptime"; "version";
	"admin_adhoc"; "posix";
}
modules_disabled = { "admin_shell" }
allow_registration = true
registration_invite_only = false
registration_whitelist = { "127.0.0.1", "${SPECS.ours.ip}", "${SPECS.prosody.ip}", "${SPECS.ejabberd.ip}" }
min_seconds_between_registrations = 0
c2s_require_encryption = true
s2s_require_encryption = true
s2s_secure_auth = true
ssl = { cafile = "${base}/certs/bench-ca.crt" }
unbound = {
	resolvconf = "${base}/resolv.conf";
	hoststxt = false;
	options = { ["local-zone:"] = "test. transparent" };
}
authentication = "internal_hashed"
storage = "internal"
log = { warn = "${base}/prosody.log" }
certificates = "${base}/certs"
VirtualHost "${spec.domain}"
`;
}

export async function startProsody(o: StartOptions): Promise<RunningServer> {
  const spec = SPECS.prosody;
  const bin = ["/usr/bin/prosody", "/usr/sbin/prosody"].find(existsSync);
  if (!bin) throw new Error("Prosody is not installed");
  await ensureFree(spec);
  const { dir: certs, caPem } = ensureCerts(o.work);
  const base = path.join(o.work, "prosody");
  mkdirSync(path.join(base, "certs"), { recursive: true });
  mkdirSync(path.join(base, "data"), { recursive: true });
  for (const f of [`${spec.domain}.crt`, `${spec.domain}.key`, "bench-ca.crt"]) writeFileSync(path.join(base, "certs", f), readFileSync(path.join(certs, f)));
  writeFileSync(path.join(base, "resolv.conf"), `nameserver ${DNS_IP}\n`);
  const config = path.join(base, "prosody.cfg.lua");
  writeFileSync(config, prosodyConfig(o.work, o.s2s));
  const child = track(spawn(bin, ["--config", config, "-F"], { cwd: base, stdio: ["ignore", "pipe", "pipe"] }), "prosody");
  const output = capture(child, path.join(base, "console.log"));
  try {
    await waitPort(spec.ip, 5222, 30_000, child, output);
  } catch (e) {
    await stopPid(child.pid!);
    throw new Error(`prosody: ${(e as Error).message}`);
  }
  return {
    spec,
    target: targetOf(spec, caPem),
    pid: child.pid!,
    version: `Prosody ${pkgVersion("prosody")} (Debian), ${pkgVersion("lua5.4") !== "?" ? `Lua ${pkgVersion("lua5.4")}` : ""}`.replace(/, $/, ""),
    command: `prosody --config ${config} -F`,
    logFile: path.join(base, "console.log"),
    exited: () => exitOf(child),
    stop: () => stopPid(child.pid!, 20_000),
  };
}

// ---------------------------------------------------------------------------------------------
// ejabberd

function ejabberdYml(base: string, spec: ServerSpec): string {
  return `# written by bench/servers.ts, after the anchors' ejabberd.yml (Debian defaults, shapers off,
# in-band registration from loopback), listening on ${spec.ip} only.
loglevel: warning
log_rotate_count: 0
hosts:
  - ${spec.domain}
certfiles:
  - "${base}/${spec.domain}.pem"
ca_file: "${base}/bench-ca.pem"
define_macro:
  'TLS_CIPHERS': "HIGH:!aNULL:!eNULL:!3DES:@STRENGTH"
  'TLS_OPTIONS':
    - "no_sslv3"
    - "no_tlsv1"
    - "no_tlsv1_1"
    - "cipher_server_preference"
    - "no_compression"
c2s_ciphers: 'TLS_CIPHERS'
s2s_ciphers: 'TLS_CIPHERS'
c2s_protocol_options: 'TLS_OPTIONS'
s2s_protocol_options: 'TLS_OPTIONS'
listen:
  -
    port: 5222
    ip: "${spec.ip}"
    module: ejabberd_c2s
    backlog: 128
    max_stanza_size: 262144
    shaper: c2s_shaper
    access: c2s
    starttls_required: true
    protocol_options: 'TLS_OPTIONS'
  -
    port: 5269
    ip: "${spec.ip}"
    module: ejabberd_s2s_in
    backlog: 128
    max_stanza_size: 524288
disable_sasl_mechanisms:
  - "digest-md5"
  - "X-OAUTH2"
s2s_use_starttls: required
# BENCH: IPv4 only (the servers listen on IPv4 loopback addresses)
outgoing_s2s_families:
  - ipv4
auth_password_format: scram
registration_timeout: infinity
acl:
  admin:
     user:
       - ""
  local:
    user_regexp: ""
  loopback:
    ip:
      - 127.0.0.0/8
      - ::1/128
access_rules:
  local:
    allow: local
  c2s:
    deny: blocked
    allow: all
  announce:
    allow: admin
  configure:
    allow: admin
  muc_create:
    allow: local
  pubsub_createnode:
    allow: local
  trusted_network:
    allow: loopback
api_permissions:
  "console commands":
    from:
      - ejabberd_ctl
    who: all
    what: "*"
shaper:
  normal:
    rate: 3000
    burst_size: 20000
  fast: 200000
shaper_rules:
  max_user_sessions: 10
  max_user_offline_messages:
    5000: admin
    100: all
  c2s_shaper: none
  s2s_shaper: none
modules:
  mod_adhoc: {}
  mod_admin_extra: {}
  mod_announce:
    access: announce
  mod_avatar: {}
  mod_blocking: {}
  mod_bosh: {}
  mod_caps: {}
  mod_carboncopy: {}
  mod_client_state: {}
  mod_configure: {}
  mod_disco: {}
  mod_fail2ban: {}
  mod_http_api: {}
  mod_last: {}
  mod_mqtt: {}
  mod_muc:
    access:
      - allow
    access_admin:
      - allow: admin
    access_create: muc_create
    access_persistent: muc_create
    access_mam:
      - allow
    default_room_options:
      mam: true
  mod_muc_admin: {}
  mod_offline:
    access_max_user_messages: max_user_offline_messages
  mod_ping: {}
  mod_pres_counter:
    count: 5
    interval: 60
  mod_privacy: {}
  mod_private: {}
  mod_pubsub:
    access_createnode: pubsub_createnode
    plugins:
      - flat
      - pep
    force_node_config:
      "eu.siacs.conversations.axolotl.*":
        access_model: open
      storage:bookmarks:
        access_model: whitelist
  mod_push: {}
  mod_push_keepalive: {}
  mod_register:
    ip_access: trusted_network
  mod_roster:
    versioning: true
  mod_s2s_dialback: {}
  mod_shared_roster: {}
  mod_sic: {}
  mod_stream_mgmt:
    resend_on_timeout: if_offline
  mod_stun_disco: {}
  mod_vcard:
    search: false
  mod_vcard_xupdate: {}
  mod_version: {}
`;
}

export async function startEjabberd(o: StartOptions): Promise<RunningServer> {
  const spec = SPECS.ejabberd;
  if (!existsSync("/usr/sbin/ejabberdctl")) throw new Error("ejabberd is not installed");
  await ensureFree(spec);
  const { dir: certs, caPem } = ensureCerts(o.work);
  const base = path.join(o.work, "ejabberd");
  for (const d of ["", "spool", "logs"]) mkdirSync(path.join(base, d), { recursive: true });
  writeFileSync(path.join(base, `${spec.domain}.pem`), readFileSync(path.join(certs, `${spec.domain}.crt`), "utf8") + readFileSync(path.join(certs, `${spec.domain}.key`), "utf8"));
  writeFileSync(path.join(base, "bench-ca.pem"), caPem);
  writeFileSync(path.join(base, "ejabberd.yml"), ejabberdYml(base, spec));
  const pidFile = path.join(base, "ejabberd.pid");
  rmSync(pidFile, { force: true });
  writeFileSync(
    path.join(base, "ejabberdctl.cfg"),
    [
      "# written by bench/servers.ts (after the anchors' ejabberdctl.cfg)",
      "INET_DIST_INTERFACE=127.0.0.1",
      // our own node name and distribution port: no clash with an anchors ejabberd (5210)
      "ERL_DIST_PORT=5212",
      "ERLANG_NODE=xmppdbench@localhost",
      'ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0"',
      `EJABBERD_PID_PATH=${pidFile}`,
      `EJABBERD_CONFIG_PATH=${base}/ejabberd.yml`,
      "",
    ].join("\n"),
  );
  writeFileSync(
    path.join(base, "inetrc"),
    [
      // Erlang's own resolver: host entries first, then the bench dnsmasq (SRV records).
      `{lookup, [file, dns]}.`,
      ...Object.values(SPECS).map((x) => `{host, {${x.ip.split(".").join(",")}}, ["${x.domain}"]}.`),
      `{resolv_conf, ""}.`,
      `{nameserver, {${DNS_IP.split(".").join(",")}}, 53}.`,
      `{timeout, 2000}.`,
      `{retry, 2}.`,
      "",
    ].join("\n"),
  );
  execFileSync("chown", ["-R", "ejabberd:ejabberd", base]);
  chmodSync(base, 0o750);
  // The path down to base must be traversable by the ejabberd user.
  for (let d = path.dirname(base); d !== path.dirname(d); d = path.dirname(d)) {
    try {
      execFileSync("chmod", ["o+x", d]);
    } catch {
      break;
    }
  }
  // setpriv, not su: su goes through pam_limits, which resets the open-files limit to 1024 and
  // makes ejabberd fail accept() near 1000 connections (anchors' finding 7). setpriv keeps ours.
  const args = ["--reuid=ejabberd", "--regid=ejabberd", "--init-groups", "/usr/sbin/ejabberdctl", "--config-dir", base, "--logs", path.join(base, "logs"), "--spool", path.join(base, "spool"), "foreground"];
  const child = track(spawn("setpriv", args, { cwd: path.join(base, "spool"), env: { ...process.env, HOME: path.join(base, "spool") }, stdio: ["ignore", "pipe", "pipe"] }), "ejabberd");
  const output = capture(child, path.join(o.work, "ejabberd-console.log"));
  let pid = 0;
  const stop = async () => {
    if (pid) await stopPid(pid, 30_000);
    if (child.pid) await stopPid(child.pid, 5_000);
  };
  try {
    await waitPort(spec.ip, 5222, 90_000, child, output);
    for (let i = 0; i < 100 && !pid; i++) {
      if (existsSync(pidFile)) pid = Number(readFileSync(pidFile, "utf8").trim()) || 0;
      if (!pid) await sleep(100);
    }
    if (!pid) throw new Error(`no pid in ${pidFile}`);
    started.add(pid);
  } catch (e) {
    await stop();
    throw new Error(`ejabberd: ${(e as Error).message}\n${readLog(path.join(base, "logs", "error.log"))}`);
  }
  const limit = /Max open files\s+(\d+)/.exec(safeRead(`/proc/${pid}/limits`))?.[1];
  if (limit && Number(limit) < 12_000) o.log(`warning: ejabberd's open-files limit is ${limit}: the 10,000-connection phase will fail`);
  return {
    spec,
    target: targetOf(spec, caPem),
    pid,
    version: `ejabberd ${pkgVersion("ejabberd")} (Debian), Erlang/OTP ${otpVersion()}`,
    command: `setpriv ${args.join(" ")}`,
    logFile: path.join(base, "logs", "ejabberd.log"),
    exited: () => (alive(pid) ? undefined : "exited"),
    stop: async () => {
      await stop();
      started.delete(pid);
    },
  };
}

function safeRead(f: string): string {
  try {
    return readFileSync(f, "utf8");
  } catch {
    return "";
  }
}

function readLog(f: string): string {
  return safeRead(f).slice(-2000);
}

function otpVersion(): string {
  const v = safeRead("/usr/lib/erlang/releases/" + (safeReadDir("/usr/lib/erlang/releases")[0] ?? "") + "/OTP_VERSION").trim();
  return v || pkgVersion("erlang-base");
}

function safeReadDir(d: string): string[] {
  try {
    return readdirSync(d).filter((n) => /^\d/.test(n));
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------
// dnsmasq (federation only)

export async function startDns(work: string): Promise<{ pid: number; stop(): Promise<void> }> {
  if (await portOpenUdpGuess()) throw new Error(`${DNS_IP}:53 seems taken`);
  const conf = path.join(work, "dnsmasq.conf");
  const lines = ["port=53", `listen-address=${DNS_IP}`, "bind-interfaces", "no-resolv", "no-poll", "no-hosts", "no-negcache", "local=/test/", "domain-needed"];
  for (const s of Object.values(SPECS)) {
    lines.push(`host-record=${s.domain},${s.ip}`, `srv-host=_xmpp-client._tcp.${s.domain},${s.domain},5222,0,5`, `srv-host=_xmpp-server._tcp.${s.domain},${s.domain},5269,0,5`);
  }
  writeFileSync(conf, lines.join("\n") + "\n");
  const child = track(spawn("dnsmasq", ["-k", `--conf-file=${conf}`, `--pid-file=${path.join(work, "dnsmasq.pid")}`], { stdio: ["ignore", "pipe", "pipe"] }), "dnsmasq");
  const output = capture(child);
  await sleep(300);
  if (child.exitCode !== null) throw new Error(`dnsmasq exited: ${output()}`);
  return { pid: child.pid!, stop: () => stopPid(child.pid!, 5_000) };
}

async function portOpenUdpGuess(): Promise<boolean> {
  try {
    const { stdout } = await run("ss", ["-Hlun", `src ${DNS_IP}`]);
    return stdout.trim().length > 0;
  } catch {
    return false;
  }
}

/**
 * ejabberd resolves the SRV target's address with getaddrinfo (p1_xmpp's a_lookup calls
 * net:getaddrinfo), which ignores its inetrc: like the anchors, the test domains go into
 * /etc/hosts. Only lines we add (tagged) are added, and the returned function removes them again.
 */
export function addHostsLines(): () => void {
  const file = "/etc/hosts";
  const tag = "# xmppd-bench";
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return () => undefined;
  }
  const add = Object.values(SPECS)
    .filter((x) => !new RegExp(`^\\s*${x.ip.replace(/\./g, "\\.")}\\s+(.*\\s)?${x.domain.replace(/\./g, "\\.")}(\\s|$)`, "m").test(text))
    .map((x) => `${x.ip} ${x.domain} ${tag}`);
  if (!add.length) return () => undefined;
  try {
    writeFileSync(file, text + (text.endsWith("\n") ? "" : "\n") + add.join("\n") + "\n");
  } catch {
    return () => undefined;
  }
  const remove = () => {
    cleanups.delete(remove);
    try {
      const now = readFileSync(file, "utf8");
      writeFileSync(file, now.split("\n").filter((l) => !add.includes(l)).join("\n"));
    } catch {
      // leave it
    }
  };
  cleanups.add(remove);
  return remove;
}

/** Undo actions for an exit path (besides the pids in `started`). */
export const cleanups = new Set<() => void>();

export const STARTERS: Record<ServerName, (o: StartOptions) => Promise<RunningServer>> = {
  ours: (o) => startOurs(o, SPECS.ours),
  ours2: (o) => startOurs(o, SPECS.ours2),
  prosody: startProsody,
  ejabberd: startEjabberd,
};
