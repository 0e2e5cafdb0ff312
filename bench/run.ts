/**
 * The benchmark: `npm run bench` (our server alone) or `npm run bench -- --compare` (ours, Prosody
 * and ejabberd side by side on loopback). See options.ts for every option and docs/performance.md
 * for the latest comparison. Everything it starts is stopped by pid at the end, even on failure.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Target } from "./client";
import { Options, parseOptions } from "./options";
import { CpuSpan, loadAverage } from "./proc";
import { checkTargets, label, MetricDef, renderFedTable, renderTable, Results } from "./report";
import { Accounts, Endpoint, LoginResult, MessageResult, primeKeys, quiesce, registerUsers, runLogins, runMemory, runMessages, userName, warmUp } from "./scenarios";
import { ScramKeyCache } from "./scram";
import { addHostsLines, alive, cleanups, DNS_IP, snapshotOurs, portOpen, REPO, RunningServer, ServerName, SPECS, started, STARTERS, startDns, stopPid } from "./servers";
import { fmt } from "./stats";

const PASSWORD = "bench-Pa55";
const log = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

const def = (key: string, lbl: string, unit: string, better: MetricDef["better"], section?: MetricDef["section"]): MetricDef => ({ key, label: lbl, unit, better, section });

interface Ctx {
  o: Options;
  results: Results;
  accounts: Map<string, Accounts>;
  versions: Map<string, string>;
  commands: Map<string, string>;
  genCpuMax: number;
  /** The copy of dist/ our server runs from during this run. */
  oursDist?: string;
}

// ---------------------------------------------------------------------------------------------
// accounts

function accountsNeeded(o: Options): number {
  let n = 2;
  if (o.scenarios.has("login")) n = Math.max(n, o.loginPool);
  if (o.scenarios.has("msg")) n = Math.max(n, 2 * o.pairs);
  if (o.scenarios.has("mem")) n = Math.max(n, ...o.memLevels);
  if (o.scenarios.has("fed")) n = Math.max(n, o.fedPairs);
  return n;
}

function markerPath(o: Options, name: string): string {
  // Inside each server's data directory: wiping the data also forgets the accounts.
  if (name === "ours" || name === "ours2") return path.join(o.work, name, "data", "bench-accounts.json");
  if (name === "prosody") return path.join(o.work, "prosody", "data", "bench-accounts.json");
  if (name === "ejabberd") return path.join(o.work, "ejabberd", "spool", "bench-accounts.json");
  return path.join(o.work, `external-${o.external!.domain}`, "bench-accounts.json");
}

async function ensureAccounts(ctx: Ctx, name: string, target: Target): Promise<Accounts> {
  const o = ctx.o;
  const marker = markerPath(o, name);
  let have = 0;
  try {
    const m = JSON.parse(readFileSync(marker, "utf8"));
    if (m.domain === target.domain && m.password === PASSWORD) have = m.count;
  } catch {
    // none yet
  }
  const cache = new ScramKeyCache(path.join(o.work, "cache", `scram-${target.domain}.json`));
  if (have === 0) cache.clear();
  const need = accountsNeeded(o);
  const save = (count: number) => {
    mkdirSync(path.dirname(marker), { recursive: true });
    writeFileSync(marker, JSON.stringify({ domain: target.domain, password: PASSWORD, count }));
  };
  if (have < need) {
    log(`${name}: creating accounts ${userName(have)}..${userName(need - 1)} (${o.external?.adduserCmd ? "command" : "in-band registration"})`);
    const t0 = performance.now();
    for (let from = have; from < need; from += 500) {
      const to = Math.min(need, from + 500);
      if (o.external?.adduserCmd) await addUsersByCommand(o.external.adduserCmd, target.domain, from, to);
      else await registerUsers(target, PASSWORD, from, to, 6);
      save(to);
      if (need - have > 500) log(`${name}: ${to}/${need} accounts (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
    have = need;
  }
  return { count: have, password: PASSWORD, cache };
}

async function addUsersByCommand(template: string, domain: string, from: number, to: number, concurrency = 4): Promise<void> {
  let next = from;
  const one = (user: string) =>
    new Promise<void>((resolve, reject) => {
      const cmd = template.replaceAll("{user}", user).replaceAll("{domain}", domain).replaceAll("{password}", PASSWORD);
      const child = spawn("sh", ["-c", cmd], { stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      child.stderr!.on("data", (d) => (err += d));
      child.on("exit", (code) => (code === 0 || /exist|conflict/i.test(err) ? resolve() : reject(new Error(`${cmd}: exit ${code}: ${err.trim()}`))));
    });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < to) await one(userName(next++));
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// phases

function recordLogin(ctx: Ctx, server: string, kind: "seq" | "burst", r: LoginResult): void {
  const k = `login.${kind}.${r.mech}`;
  const what = kind === "seq" ? `Login one at a time, ${r.mech}` : `Login burst (${r.attempted}, ${r.concurrency} in flight), ${r.mech}`;
  if (r.notOffered) {
    ctx.results.notes.push(`${label(server)}: ${r.notOffered}`);
    return;
  }
  const R = ctx.results;
  R.add(server, def(`${k}.rate`, what, "logins/s", "higher"), r.loginsPerSec);
  R.add(server, def(`${k}.p50`, `${what}: p50 latency`, "ms", "lower"), r.p50Ms);
  R.add(server, def(`${k}.p99`, `${what}: p99 latency`, "ms", "lower"), r.p99Ms);
  R.add(server, def(`${k}.cpu`, `${what}: server CPU per login`, "ms", "lower"), r.serverCpuMsPerLogin);
  R.add(server, def(`${k}.failed`, `${what}: failed logins`, "count", "zero"), r.failed);
  R.add(server, def(`${k}.srvpct`, `${what}: server`, "% of a core", "info", "cpu"), (100 * r.cpu.serverMs[0]!) / r.cpu.wallMs);
  R.add(server, def(`${k}.genpct`, `${what}: generator`, "% of a core", "info", "cpu"), (100 * r.cpu.genMs) / r.cpu.wallMs);
  R.add(server, def(`${k}.otherpct`, `${what}: other processes`, "% of a core", "info", "cpu"), (100 * r.cpu.otherMs) / r.cpu.wallMs);
  R.add(server, def(`${k}.stealpct`, `${what}: stolen by the hypervisor`, "% of a core", "info", "cpu"), (100 * r.cpu.stealMs) / r.cpu.wallMs);
  R.add(server, def(`${k}.gencpu`, `${what}: generator CPU per login`, "ms", "info", "cpu"), r.genCpuMsPerLogin);
  ctx.genCpuMax = Math.max(ctx.genCpuMax, (100 * r.cpu.genMs) / r.cpu.wallMs);
  if (r.failed) ctx.results.notes.push(`${label(server)} ${k}: ${r.failed} failed logins, e.g. ${r.errors[0]}`);
  if (r.scramCacheMisses) ctx.results.notes.push(`${label(server)} ${k}: ${r.scramCacheMisses} SCRAM keys computed during the phase (generator CPU inflated)`);
  log(
    `${server} ${k}: ${fmt(r.loginsPerSec)}/s p50 ${fmt(r.p50Ms)} ms p99 ${fmt(r.p99Ms)} ms, server ${fmt(r.serverCpuMsPerLogin)} ms/login, gen ${fmt(r.genCpuMsPerLogin)} ms/login` +
      `, steps ${Object.entries(r.stepsMeanMs).map(([s, v]) => `${s} ${fmt(v)}`).join(" ")}${r.failed ? `, ${r.failed} FAILED: ${r.errors[0]}` : ""}`,
  );
}

function recordMessages(ctx: Ctx, server: string, k: string, what: string, r: MessageResult, section?: "fed"): void {
  const R = ctx.results;
  const info = section ?? "cpu";
  if (r.failed) {
    ctx.results.notes.push(`${label(server)} ${k}: ${r.failed}`);
    log(`${server} ${k}: FAILED ${r.failed}`);
    return;
  }
  R.add(server, def(`${k}.rate`, `${what}: delivered`, "msgs/s", "higher", section), r.msgsPerSec);
  R.add(server, def(`${k}.p50`, `${what}: p50 latency`, "ms", "lower", section), r.p50Ms);
  R.add(server, def(`${k}.p99`, `${what}: p99 latency`, "ms", "lower", section), r.p99Ms);
  R.add(server, def(`${k}.cpu`, `${what}: server CPU per message`, "µs", "lower", section), r.serverCpuUsPerMsg);
  R.add(server, def(`${k}.lost`, `${what}: lost`, "msgs", "zero", section), r.lost);
  R.add(server, def(`${k}.dup`, `${what}: duplicated`, "msgs", "zero", section), r.duplicated);
  R.add(server, def(`${k}.reordered`, `${what}: reordered`, "msgs", "zero", section), r.reordered);
  R.add(server, def(`${k}.misrouted`, `${what}: bounced or misrouted`, "msgs", "zero", section), r.misrouted);
  r.cpu.serverMs.forEach((ms, i) => R.add(server, def(`${k}.srvpct${i || ""}`, `${what}: server${i ? ` ${i + 1}` : ""}`, "% of a core", "info", info), (100 * ms) / r.cpu.wallMs));
  R.add(server, def(`${k}.genpct`, `${what}: generator`, "% of a core", "info", info), (100 * r.cpu.genMs) / r.cpu.wallMs);
  R.add(server, def(`${k}.otherpct`, `${what}: other processes`, "% of a core", "info", info), (100 * r.cpu.otherMs) / r.cpu.wallMs);
  if (!section) R.add(server, def(`${k}.stealpct`, `${what}: stolen by the hypervisor`, "% of a core", "info", info), (100 * r.cpu.stealMs) / r.cpu.wallMs);
  R.add(server, def(`${k}.gencpu`, `${what}: generator CPU per message`, "µs", "info", info), r.genCpuUsPerMsg);
  ctx.genCpuMax = Math.max(ctx.genCpuMax, (100 * r.cpu.genMs) / r.cpu.wallMs);
  log(
    `${server} ${k}: ${fmt(r.msgsPerSec)} msgs/s p50 ${fmt(r.p50Ms)} ms p99 ${fmt(r.p99Ms)} ms, server ${fmt(r.serverCpuUsPerMsg)} µs/msg, gen ${fmt(r.genCpuUsPerMsg)} µs/msg` +
      ` (server ${r.cpu.serverMs.map((x) => fmt((100 * x) / r.cpu.wallMs)).join("+")}%, gen ${fmt((100 * r.cpu.genMs) / r.cpu.wallMs)}%, other ${fmt((100 * r.cpu.otherMs) / r.cpu.wallMs)}%)` +
      `; sent ${r.sent} lost ${r.lost} dup ${r.duplicated} reordered ${r.reordered}${r.misrouted ? ` misrouted ${r.misrouted}` : ""}`,
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs a measured phase; when other processes took more than --max-other % of a core meanwhile
 * (the machine is shared), runs it again, at most --retries times, and notes it.
 */
async function measured<T extends { cpu: CpuSpan; notOffered?: string; failed?: string | number }>(ctx: Ctx, what: string, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const r = await fn();
    // Nothing was measured (mechanism not offered, no delivery): nothing to repeat.
    if (r.notOffered || typeof r.failed === "string") return r;
    const other = (100 * r.cpu.otherMs) / r.cpu.wallMs;
    if (!(other > ctx.o.maxOther)) {
      if (attempt) ctx.results.notes.push(`${what}: repeated ${attempt}× because other processes were busy`);
      return r;
    }
    if (attempt >= ctx.o.retries) {
      ctx.results.notes.push(`${what}: other processes took ${fmt(other)} % of a core during the phase (kept after ${attempt} retries)`);
      return r;
    }
    log(`${what}: other processes took ${fmt(other)} % of a core; repeating`);
    await sleep(3000);
  }
}

async function loadPhases(ctx: Ctx, server: string, target: Target, pids: number[], acc: Accounts): Promise<void> {
  const o = ctx.o;
  for (const pid of pids) await quiesce(pid);
  await warmUp(target, acc, o.mechs, o.quick ? 5 : 30);
  for (const pid of pids) await quiesce(pid, 5000);
  if (o.scenarios.has("login")) {
    for (const mech of o.mechs) {
      const seq = await measured(ctx, `${label(server)} login.seq.${mech}`, () => runLogins(target, acc, { mech, count: o.loginSeq, concurrency: 1, userPool: o.loginPool, serverPids: pids }));
      recordLogin(ctx, server, "seq", seq);
      if (seq.notOffered) continue;
      const burst = () => runLogins(target, acc, { mech, count: o.loginBurst, concurrency: o.loginConcurrency, userPool: o.loginPool, serverPids: pids });
      recordLogin(ctx, server, "burst", await measured(ctx, `${label(server)} login.burst.${mech}`, burst));
    }
  }
  if (o.scenarios.has("msg")) {
    const ep = (user: number): Endpoint => ({ target, user });
    const one = await measured(ctx, `${label(server)} msg.1pair`, () => runMessages(acc, { pairs: [[ep(0), ep(1)]], window: 1, warmupMs: o.warmupSeconds * 500, durationMs: o.oneMsgSeconds * 1000, drainMs: o.drainSeconds * 1000, serverPids: pids }));
    recordMessages(ctx, server, "msg.1pair", "Messages, 1 pair, 1 in flight per direction", one);
    const pairs: [Endpoint, Endpoint][] = Array.from({ length: o.pairs }, (_, i) => [ep(2 * i), ep(2 * i + 1)]);
    const sat = await measured(ctx, `${label(server)} msg.sat`, () =>
      runMessages(acc, { pairs, window: o.window, warmupMs: o.warmupSeconds * 1000, durationMs: o.msgSeconds * 1000, drainMs: o.drainSeconds * 1000, serverPids: pids }),
    );
    recordMessages(ctx, server, "msg.sat", `Messages, ${o.pairs} pairs, ${o.window} in flight per flow`, sat);
  }
}

/** SIGUSR2 to a node started with --heapsnapshot-signal; waits for the file to be complete. */
async function heapSnapshot(pid: number, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const before = new Set(readdirSync(dir));
  process.kill(pid, "SIGUSR2");
  const end = Date.now() + 120_000;
  let last = -1;
  while (Date.now() < end) {
    await sleep(1000);
    const f = readdirSync(dir).find((n) => n.endsWith(".heapsnapshot") && !before.has(n));
    if (!f) continue;
    const size = statSync(path.join(dir, f)).size;
    if (size > 0 && size === last) {
      log(`heap snapshot: ${path.join(dir, f)} (${(size / 2 ** 20).toFixed(0)} MiB)`);
      return;
    }
    last = size;
  }
  log("heap snapshot: not written within 120 s");
}

async function memoryPhase(ctx: Ctx, server: string, target: Target, pid: number, acc: Accounts): Promise<void> {
  const o = ctx.o;
  const snapshot = o.heapSnapshot && server === "ours" ? () => heapSnapshot(pid, o.heapSnapshot!) : undefined;
  const r = await runMemory(target, acc, pid, o.memLevels, o.loginConcurrency, o.memSettle, snapshot);
  const R = ctx.results;
  R.add(server, def("mem.rss0", "Idle memory: RSS with 0 connections", "MiB", "lower"), r.baselineKiB / 1024);
  for (const l of r.levels) {
    const lv = o.memLevels.find((x) => x >= l.connections) ?? l.connections;
    R.add(server, def(`mem.rss.${lv}`, `RSS with ${lv.toLocaleString("en-US")} idle logged-in connections`, "MiB", "lower"), l.rssKiB / 1024);
    R.add(server, def(`mem.kib.${lv}`, `KiB per idle connection at ${lv.toLocaleString("en-US")} (vs 0)`, "KiB", "lower"), l.kibPerConn);
    if (l.connections < lv) ctx.results.notes.push(`${label(server)} memory: only ${l.connections} of ${lv} connections logged in (${l.failedLogins} failures: ${r.errors[0] ?? ""})`);
  }
  if (r.levels.length > 1) {
    const [p, q] = r.levels.slice(-2);
    R.add(server, def("mem.marginal", `Marginal KiB per connection (${p!.connections.toLocaleString("en-US")} → ${q!.connections.toLocaleString("en-US")})`, "KiB", "lower"), r.marginalKibPerConn);
  }
  log(`${server} memory: baseline ${fmt(r.baselineKiB / 1024)} MiB; ${r.levels.map((l) => `${l.connections}: ${fmt(l.rssKiB / 1024)} MiB = ${fmt(l.kibPerConn)} KiB/conn`).join("; ")}; marginal ${fmt(r.marginalKibPerConn)} KiB`);
}

// ---------------------------------------------------------------------------------------------
// managed servers

function startOpts(ctx: Ctx, s2s: boolean) {
  const o = ctx.o;
  return {
    work: o.work,
    s2s,
    cpuProfDir: o.cpuProf,
    oursYaml: o.oursYaml,
    oursMam: o.oursMam,
    oursDist: ctx.oursDist,
    oursNodeArgs: [...o.oursNodeArgs, ...(o.heapSnapshot ? ["--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${o.heapSnapshot}`] : [])],
    log,
  };
}

async function withServer<T>(ctx: Ctx, name: ServerName, s2s: boolean, fn: (s: RunningServer) => Promise<T>): Promise<T> {
  const s = await STARTERS[name](startOpts(ctx, s2s));
  ctx.versions.set(name, s.version);
  ctx.commands.set(name, s.command);
  try {
    return await fn(s);
  } catch (e) {
    throw explain(e, [s]);
  } finally {
    await s.stop();
  }
}

/** Adds "server X is gone (how), see LOG" to an error when a server died under the scenario. */
function explain(e: unknown, servers: RunningServer[]): Error {
  const err = e instanceof Error ? e : new Error(String(e));
  const dead = servers.filter((s) => s.exited()).map((s) => `${label(s.spec.name)} is gone (${s.exited()}; see ${s.logFile})`);
  if (dead.length) err.message = `${err.message}; ${dead.join("; ")}`;
  return err;
}

/** Runs one block of a repetition; a failure is noted and the run goes on with the next block. */
async function attempt(ctx: Ctx, what: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    const msg = `${what} failed: ${e instanceof Error ? e.message : String(e)}`;
    ctx.results.notes.push(msg);
    log(msg);
  }
}

function installIfMissing(o: Options): void {
  const want: string[] = [];
  if (o.servers.includes("prosody") && !existsSync("/usr/bin/prosody")) want.push("prosody");
  if (o.servers.includes("ejabberd") && !existsSync("/usr/sbin/ejabberdctl")) want.push("ejabberd");
  if (o.scenarios.has("fed") && o.servers.length > 1 && !existsSync("/usr/sbin/dnsmasq")) want.push("dnsmasq-base");
  if (o.servers.includes("prosody") && o.scenarios.has("fed") && !dpkgInstalled("lua-unbound")) want.push("lua-unbound");
  if (!want.length) return;
  if (process.getuid?.() !== 0) throw new Error(`${want.join(", ")} missing; installing needs root`);
  log(`installing ${want.join(" ")} (apt-get)`);
  // policy-rc.d 101 keeps the packages from starting their services on the default addresses.
  const policy = "/usr/sbin/policy-rc.d";
  const ours = !existsSync(policy);
  if (ours) writeFileSync(policy, "#!/bin/sh\nexit 101\n", { mode: 0o755 });
  try {
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    execFileSync("apt-get", ["install", "-y", "-qq", ...want], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  } finally {
    if (ours) rmSync(policy, { force: true });
  }
}

function dpkgInstalled(pkg: string): boolean {
  try {
    return execFileSync("dpkg-query", ["-W", "-f", "${Status}", pkg], { encoding: "utf8" }).includes("install ok installed");
  } catch {
    return false;
  }
}

async function federation(ctx: Ctx): Promise<void> {
  const o = ctx.o;
  const names: ServerName[] = o.compare || o.servers.length > 1 ? (o.servers as ServerName[]) : ["ours", "ours2"];
  const dns = await startDns(o.work);
  const removeHosts = addHostsLines();
  const running: RunningServer[] = [];
  try {
    for (const n of names) running.push(await STARTERS[n](startOpts(ctx, true)));
    for (const s of running) {
      ctx.versions.set(s.spec.name, s.version);
      ctx.commands.set(s.spec.name, s.command);
      if (!ctx.accounts.has(s.spec.name)) {
        const acc = await ensureAccounts(ctx, s.spec.name, s.target);
        await primeKeys(s.target, acc, o.fedPairs, ["SCRAM-SHA-1"]);
        ctx.accounts.set(s.spec.name, acc);
      }
    }
    const has = new Map<string, boolean>();
    for (const s of running) has.set(s.spec.name, await portOpen(s.spec.ip, 5269));
    for (let i = 0; i < running.length; i++) {
      for (let j = i + 1; j < running.length; j++) {
        const a = running[i]!;
        const b = running[j]!;
        const pairName = `${label(a.spec.name)} ↔ ${label(b.spec.name)}`;
        const what = `s2s ${label(a.spec.name)} ↔ ${label(b.spec.name)}, ${o.fedPairs} pairs, ${o.window} in flight per flow`;
        const missing = [a, b].filter((s) => !has.get(s.spec.name));
        if (missing.length) {
          const msg = `${what}: skipped: ${missing.map((s) => `${label(s.spec.name)} has no s2s listener (nothing on ${s.spec.ip}:5269)`).join("; ")}`;
          ctx.results.notes.push(msg);
          log(msg);
          continue;
        }
        const pairs: [Endpoint, Endpoint][] = Array.from({ length: o.fedPairs }, (_, k) => [
          { target: a.target, user: k },
          { target: b.target, user: k },
        ]);
        await attempt(ctx, pairName, async () => {
          const gone = [a, b].filter((s) => s.exited());
          if (gone.length) throw explain(new Error("cannot run"), gone);
          for (const s of [a, b]) await quiesce(s.pid);
          const r = await measured(ctx, pairName, () =>
            runMessages(ctx.accounts, {
              pairs,
              window: o.window,
              warmupMs: o.warmupSeconds * 1000,
              durationMs: o.msgSeconds * 1000,
              drainMs: o.drainSeconds * 2000,
              serverPids: [a.pid, b.pid],
              firstDeliveryTimeoutMs: 30_000,
            }).catch((e: unknown) => {
              throw explain(e, [a, b]);
            }),
          );
          // Both servers' CPU is summed in serverCpuUsPerMsg; recorded under the pair's name.
          recordMessages(ctx, pairName, "fed", what, r, "fed");
        });
      }
    }
  } finally {
    for (const s of running.reverse()) await s.stop();
    await dns.stop();
    removeHosts();
  }
}

// ---------------------------------------------------------------------------------------------
// report

function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model ?? "?"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${os.release()}`;
}

function uptimeLine(): string {
  try {
    return execFileSync("uptime", { encoding: "utf8" }).trim();
  } catch {
    return `load average: ${loadAverage()}`;
  }
}

function otherCpuSummary(r: Results, servers: string[]): string {
  const vals: number[] = [];
  for (const s of servers) for (const [k, v] of r.values.get(s) ?? []) if (k.endsWith(".otherpct")) vals.push(...v);
  if (!vals.length) return "";
  vals.sort((a, b) => a - b);
  return `CPU taken by other processes during the measured phases: median ${fmt(vals[vals.length >> 1]!)} %, max ${fmt(vals[vals.length - 1]!)} % of a core`;
}

function cpuLine(ctx: Ctx): string {
  const other = otherCpuSummary(ctx.results, [...ctx.results.values.keys()]);
  return other ? `${other}; the generator took at most ${fmt(ctx.genCpuMax)} % of a core` : "no CPU readings";
}

function writeDocs(ctx: Ctx, table: string, checks: ReturnType<typeof checkTargets>, loads: { before: string; after: string }, startedAt: Date, minutes: number): void {
  const o = ctx.o;
  const servers = o.servers;
  const versions = servers.map((s) => `- ${label(s)}: ${ctx.versions.get(s) ?? "?"}`).join("\n");
  const commands = servers.map((s) => `- ${label(s)}: \`${ctx.commands.get(s) ?? "?"}\``).join("\n");
  const args = o.argv.join(" ");
  const doc = `# Performance

<!-- Written by \`npm run bench -- --compare\` (bench/run.ts); the figures below are from the latest run. -->

Our server next to Prosody and ejabberd, measured by the project's own load generator
(\`bench/\`: raw sockets, TCP_NODELAY, minimal stanza handling) on one machine, each server on its
own loopback address with the same certificates (ECDSA P-256 from a private CA), TLS 1.3 after
STARTTLS, 100-byte chat bodies. Each figure is the median of ${o.reps} repetition(s), with min–max in
brackets. Ratios are ours/other on the medians (↑ higher is better, ↓ lower is better).

**Compare by server CPU per operation**: the machine has ${os.cpus().length} cores shared by the
server, the generator and whatever else runs; rates only hold for this machine and this load.

## Latest run

- Date: ${startedAt.toISOString().replace("T", " ").slice(0, 16)} UTC, ${minutes.toFixed(1)} minutes
- Command: \`npm run bench -- ${args}\`
- Machine: ${machine()}
- Load before: \`${loads.before}\`
- Load after: \`${loads.after}\`
- ${cpuLine(ctx)}

Versions:
${versions}

Server commands (configurations written under \`${o.work}\`):
${commands}

${table}

${ctx.results.notes.length ? `Notes:\n${[...new Set(ctx.results.notes)].map((n) => `- ${n}`).join("\n")}\n` : ""}
## Targets (issue 6)

${checks.map((c) => `- **${c.status}**: ${c.goal}: ${c.detail}`).join("\n")}

## Scenarios

1. **Logins**: connect, STARTTLS, SCRAM (keys cached on the client, so the generator does no
   PBKDF2), bind, initial presence until its echo, then close. One at a time (${o.loginSeq}), then a
   burst of ${o.loginBurst} with ${o.loginConcurrency} in flight; SCRAM-SHA-1 and SCRAM-SHA-256 where offered.
2. **Messages**: 1 pair with 1 message in flight per direction (unloaded latency), then ${o.pairs}
   pairs, both directions, ${o.window} in flight per flow (saturated: latency is mostly queueing).
   Every message carries its flow, sequence number and send time; lost, duplicated and reordered
   messages are counted per flow and must be zero.
3. **Memory**: a freshly started server's RSS (/proc/PID/status VmRSS) with 0, then
   ${o.memLevels.map((x) => x.toLocaleString("en-US")).join(", ")} idle logged-in connections; KiB per connection against the 0 baseline.
   Load phases run on another fresh start (Prosody slows down after a connection peak).
4. **Federation**: ${o.fedPairs} pairs across two servers over s2s (dnsmasq on ${DNS_IP} serves the
   test domains' A and SRV records), ${o.window} in flight per flow; server CPU is both servers' sum.

Server CPU is utime+stime from /proc/PID/stat before and after each measured window; "other
processes" is the machine's busy time minus server and generator. A phase during which other
processes took more than ${o.maxOther} % of a core is run again (at most ${o.retries} times; see the notes).

Configurations (written by \`bench/servers.ts\` under the work directory; nothing under /etc is
changed, except that the federation phase adds the test domains to /etc/hosts, tagged
\`# xmppd-bench\`, and removes them again: ejabberd resolves SRV targets with getaddrinfo):

- ours: ${SPECS.ours.domain} on ${SPECS.ours.ip}, SQLite storage, default modules${o.oursMam ? "" : " except \`mam\` (neither reference configuration archives messages; \`--ours-mam\` keeps it)"}.
- Prosody: ${SPECS.prosody.domain} on ${SPECS.prosody.ip}, the anchors' configuration (Debian's module set without
  \`limits\`, epoll) with \`network_settings = { nagle = false }\` (the anchors' variant-nodelay, so
  that all three servers write with TCP_NODELAY), internal_hashed storage, run in the foreground.
- ejabberd: ${SPECS.ejabberd.domain} on ${SPECS.ejabberd.ip}, the anchors' configuration (Debian's defaults, shapers
  off), Mnesia; started with \`ejabberdctl foreground\` as the ejabberd user through setpriv (not
  su, whose pam_limits would cut the open-files limit to 1024).
- The generator logs in with SCRAM and does not use channel binding (gs2 header "n").

## How to run

\`\`\`sh
npm run build
npm run bench                         # our server alone (127.0.0.4), full sizes
npm run bench -- --quick              # smoke run, a few seconds
npm run bench -- --compare            # ours, Prosody and ejabberd; rewrites this file
npm run bench -- --compare --quick --no-docs
npm run bench -- --host 127.0.0.5 --domain prosody.test --server-pid PID \\
  --adduser-cmd 'prosodyctl register {user} {domain} {password}'   # any running server
npm run bench -- --help
\`\`\`
`;
  writeFileSync(path.join(REPO, "docs", "performance.md"), doc);
  log("wrote docs/performance.md");
}

// ---------------------------------------------------------------------------------------------
// main

async function stopEverything(): Promise<void> {
  const pids = [...started];
  for (const pid of pids) if (alive(pid)) await stopPid(pid, 10_000);
  for (const undo of [...cleanups]) undo();
}

export async function main(argv: string[]): Promise<void> {
  const o = parseOptions(argv);
  const t0 = Date.now();
  const startedAt = new Date();
  const before = uptimeLine();
  log(`load before: ${before}`);
  mkdirSync(o.work, { recursive: true });
  const ctx: Ctx = { o, results: new Results(), accounts: new Map(), versions: new Map(), commands: new Map(), genCpuMax: 0 };

  let signalled = false;
  const onSignal = (sig: string) => {
    if (signalled) return;
    signalled = true;
    log(`${sig}: stopping what the bench started`);
    void stopEverything().then(() => process.exit(130));
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));

  try {
    if (o.external) {
      const e = o.external;
      const target: Target = { name: "external", host: e.host, port: e.port, domain: e.domain, ca: e.ca ? readFileSync(e.ca, "utf8") : undefined };
      const acc = await ensureAccounts(ctx, "external", target);
      await primeKeys(target, acc, Math.max(o.loginPool, 2 * o.pairs), o.mechs);
      const pids = e.pid ? [e.pid] : [];
      for (let rep = 1; rep <= o.reps; rep++) {
        log(`repetition ${rep}/${o.reps}`);
        if (o.scenarios.has("mem")) {
          if (e.pid) await memoryPhase(ctx, "external", target, e.pid, acc);
          else if (rep === 1) ctx.results.notes.push("memory scenario skipped: give --server-pid");
        }
        await loadPhases(ctx, "external", target, pids, acc);
      }
      if (o.scenarios.has("fed")) ctx.results.notes.push("federation scenario skipped for an external server (it needs two servers the bench starts)");
    } else {
      installIfMissing(o);
      if (o.servers.includes("ours") || o.scenarios.has("fed")) ctx.oursDist = snapshotOurs(o.work);
      if (o.fresh) {
        for (const s of [...o.servers, "ours2"]) {
          const dir = s === "ejabberd" ? path.join(o.work, s, "spool") : path.join(o.work, s, "data");
          rmSync(dir, { recursive: true, force: true });
          rmSync(path.join(o.work, "cache", `scram-${SPECS[s as ServerName].domain}.json`), { force: true });
        }
      }
      // Accounts and SCRAM keys first, outside every measurement.
      for (const name of o.servers as ServerName[]) {
        await withServer(ctx, name, false, async (s) => {
          const acc = await ensureAccounts(ctx, name, s.target);
          await primeKeys(s.target, acc, Math.max(o.scenarios.has("login") ? o.loginPool : 0, o.scenarios.has("msg") ? 2 * o.pairs : 0, o.scenarios.has("fed") ? o.fedPairs : 0), o.mechs);
          ctx.accounts.set(name, acc);
        });
      }
      for (let rep = 1; rep <= (o.prepare ? 0 : o.reps); rep++) {
        for (const name of o.servers as ServerName[]) {
          log(`repetition ${rep}/${o.reps}: ${name}`);
          const acc = ctx.accounts.get(name)!;
          if (o.scenarios.has("mem") && rep <= o.memReps) await attempt(ctx, `${label(name)} memory (repetition ${rep})`, () => withServer(ctx, name, false, (s) => memoryPhase(ctx, name, s.target, s.pid, acc)));
          if (o.scenarios.has("login") || o.scenarios.has("msg")) await attempt(ctx, `${label(name)} load phases (repetition ${rep})`, () => withServer(ctx, name, false, (s) => loadPhases(ctx, name, s.target, [s.pid], acc)));
        }
        if (o.scenarios.has("fed")) await attempt(ctx, `federation (repetition ${rep})`, () => federation(ctx));
      }
    }
  } finally {
    for (const a of ctx.accounts.values()) a.cache.save();
    await stopEverything();
  }

  if (o.prepare) {
    log(`accounts and SCRAM keys ready under ${o.work}`);
    return;
  }
  const after = uptimeLine();
  log(`load after: ${after}`);
  const servers = o.servers;
  const main = renderTable(ctx.results, servers, "main");
  const cpu = renderTable(ctx.results, servers, "cpu");
  const fed = renderFedTable(ctx.results);
  const table = [
    main,
    cpu && `CPU split (% of one core; the machine has ${os.cpus().length}) and the generator's own cost:\n\n${cpu}`,
    fed && `Federation (s2s), messages both ways between users of two servers:\n\n${fed}`,
  ]
    .filter(Boolean)
    .join("\n\n");
  const checks = o.compare ? checkTargets(ctx.results) : [];
  const out = process.stdout;
  out.write(`\n${table}\n\n`);
  for (const n of new Set(ctx.results.notes)) out.write(`note: ${n}\n`);
  for (const c of checks) out.write(`target ${c.status}: ${c.goal}: ${c.detail}\n`);
  out.write(`load before: ${before}\nload after:  ${after}\n${cpuLine(ctx)}\n`);
  if (o.json) writeFileSync(o.json, JSON.stringify({ options: { ...o, scenarios: [...o.scenarios] }, machine: machine(), before, after, versions: Object.fromEntries(ctx.versions), results: ctx.results.toJSON() }, null, 2));
  if (o.docs) writeDocs(ctx, table, checks, { before, after }, startedAt, (Date.now() - t0) / 60_000);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    async (err) => {
      console.error(`bench: ${err instanceof Error ? err.message : err}`);
      await stopEverything();
      process.exit(1);
    },
  );
}
