/**
 * The benchmark scenarios, each against any server reachable as a Target:
 *   logins      connect, STARTTLS, SCRAM, bind, initial presence; one at a time or N in flight
 *   messages    chat messages between logged-in pairs, both directions, a bounded window per flow;
 *               delivered msgs/s, latency, lost/duplicated/reordered (works across servers: s2s)
 *   memory      server RSS with 0 and N idle logged-in connections
 * Server CPU comes from /proc/<pid>/stat of the pids given (none for an in-process server).
 */
import { MechanismNotOffered, Target, XmppConn } from "./client";
import { cpuSpan, CpuSpan, processCpuMs, processRssKiB, sampleCpu } from "./proc";
import { ScramKeyCache, ScramMech } from "./scram";
import { Samples } from "./stats";

export const USER_PREFIX = "bench";
export const userName = (i: number) => `${USER_PREFIX}${i}`;

export interface Accounts {
  /** Users bench0..bench<count-1> exist with this password. */
  count: number;
  password: string;
  cache: ScramKeyCache;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs fn(i) for i in [0, n) with at most `concurrency` at once. */
async function pool(n: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
}

// ---------------------------------------------------------------------------------------------
// Logins

export interface LoginResult {
  mech: ScramMech;
  concurrency: number;
  attempted: number;
  ok: number;
  failed: number;
  errors: string[];
  /** Set when the server does not offer the mechanism: nothing was measured. */
  notOffered?: string;
  loginsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Mean time from the start of each login to the end of each step (ms). */
  stepsMeanMs: Record<string, number>;
  cpu: CpuSpan;
  serverCpuMsPerLogin: number;
  genCpuMsPerLogin: number;
  /** PBKDF2 computations the generator had to do during the phase (should be 0: keys are primed). */
  scramCacheMisses: number;
}

export interface LoginOptions {
  mech: ScramMech;
  count: number;
  concurrency: number;
  /** Users used round-robin (distinct users in flight at once). */
  userPool: number;
  serverPids: number[];
  timeoutMs?: number;
}

export async function runLogins(target: Target, acc: Accounts, o: LoginOptions): Promise<LoginResult> {
  const lat = new Samples();
  const errors: string[] = [];
  let ok = 0;
  let failed = 0;
  let notOffered: string | undefined;
  const steps = { tcp: 0, tls: 0, auth: 0, bind: 0, presence: 0 };
  const closing: Promise<void>[] = [];
  const pool_ = Math.min(o.userPool, acc.count);
  const misses0 = acc.cache.misses;
  const a = sampleCpu(o.serverPids);
  await pool(o.count, o.concurrency, async (i) => {
    if (notOffered) return;
    const t0 = performance.now();
    try {
      const c = await XmppConn.login(target, userName(i % pool_), acc.password, { mech: o.mech, cache: acc.cache, timeoutMs: o.timeoutMs });
      lat.push(performance.now() - t0);
      ok++;
      for (const k of Object.keys(steps) as (keyof typeof steps)[]) steps[k] += c.steps[k];
      closing.push(c.close());
    } catch (e) {
      if (e instanceof MechanismNotOffered) notOffered = e.message;
      else {
        failed++;
        if (errors.length < 5) errors.push((e as Error).message);
      }
    }
  });
  await Promise.all(closing);
  const b = sampleCpu(o.serverPids);
  const cpu = cpuSpan(a, b);
  const stepsMeanMs: Record<string, number> = {};
  for (const [k, v] of Object.entries(steps)) stepsMeanMs[k] = ok ? v / ok : NaN;
  return {
    mech: o.mech,
    concurrency: o.concurrency,
    attempted: o.count,
    ok,
    failed,
    errors,
    notOffered,
    loginsPerSec: notOffered ? NaN : ok / (cpu.wallMs / 1000),
    p50Ms: lat.percentile(50),
    p99Ms: lat.percentile(99),
    stepsMeanMs,
    cpu,
    serverCpuMsPerLogin: ok ? sum(cpu.serverMs) / ok : NaN,
    genCpuMsPerLogin: ok ? cpu.genMs / ok : NaN,
    scramCacheMisses: acc.cache.misses - misses0,
  };
}

function sum(xs: number[]): number {
  return xs.reduce((s, x) => s + (Number.isFinite(x) ? x : 0), 0);
}

/**
 * Logs in the given users (SCRAM-SHA-1 and -256 where offered) so that their keys are in the
 * cache before any timed phase; closes each connection at once.
 */
export async function primeKeys(target: Target, acc: Accounts, users: number, mechs: ScramMech[], concurrency = 16): Promise<void> {
  for (const mech of mechs) {
    const todo: number[] = [];
    for (let i = 0; i < Math.min(users, acc.count); i++) if (!acc.cache.has(mech, userName(i))) todo.push(i);
    let offered = true;
    await pool(todo.length, concurrency, async (k) => {
      if (!offered) return;
      try {
        const c = await XmppConn.login(target, userName(todo[k]!), acc.password, { mech, cache: acc.cache, presence: false });
        await c.close();
      } catch (e) {
        if (e instanceof MechanismNotOffered) offered = false;
        else throw e;
      }
    });
  }
  acc.cache.save();
}

// ---------------------------------------------------------------------------------------------
// Messages

export interface Endpoint {
  target: Target;
  user: number;
}

export interface MessageOptions {
  pairs: [Endpoint, Endpoint][];
  /** Messages in flight per flow (each pair has two flows, one per direction). */
  window: number;
  warmupMs: number;
  durationMs: number;
  /** Longest wait for messages still in flight after sending stops. */
  drainMs: number;
  bodyBytes?: number;
  serverPids: number[];
  loginConcurrency?: number;
  /** Give up (and report it) when the first message of each flow takes longer than this. */
  firstDeliveryTimeoutMs?: number;
}

export interface MessageResult {
  flows: number;
  window: number;
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  reordered: number;
  /** Messages that came back to the sender (error bounces) or reached the wrong client. */
  misrouted: number;
  msgsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  cpu: CpuSpan;
  /** Server CPU µs per delivered message (all servers given, summed). */
  serverCpuUsPerMsg: number;
  genCpuUsPerMsg: number;
  /** Set when the first messages did not arrive: the scenario could not run. */
  failed?: string;
}

interface Flow {
  id: number;
  from: XmppConn;
  to: XmppConn;
  toJid: string;
  next: number;
  inflight: number;
  seen: Uint8Array;
  received: number;
  maxSeen: number;
  dups: number;
  reordered: number;
}

export async function runMessages(acc: Accounts | Map<string, Accounts>, o: MessageOptions): Promise<MessageResult> {
  const accOf = (t: Target) => (acc instanceof Map ? acc.get(t.name)! : acc);
  const bodyBytes = o.bodyBytes ?? 100;
  const pad = "x".repeat(bodyBytes);
  const endpoints: Endpoint[] = o.pairs.flat();
  const conns: XmppConn[] = new Array(endpoints.length);
  try {
    await pool(endpoints.length, o.loginConcurrency ?? 50, async (i) => {
      const e = endpoints[i]!;
      const a = accOf(e.target);
      conns[i] = await XmppConn.login(e.target, userName(e.user), a.password, { mech: "SCRAM-SHA-1", cache: a.cache, resource: `m${i}` });
    });
  } catch (e) {
    await Promise.all(conns.filter(Boolean).map((c) => c.close()));
    throw e;
  }

  const flows: Flow[] = [];
  const mkFlow = (from: number, to: number) => {
    const t = endpoints[to]!;
    flows.push({
      id: flows.length,
      from: conns[from]!,
      to: conns[to]!,
      toJid: `${userName(t.user)}@${t.target.domain}`,
      next: 0,
      inflight: 0,
      seen: new Uint8Array(1024),
      received: 0,
      maxSeen: -1,
      dups: 0,
      reordered: 0,
    });
  };
  for (let p = 0; p < o.pairs.length; p++) {
    mkFlow(2 * p, 2 * p + 1);
    mkFlow(2 * p + 1, 2 * p);
  }

  let sending = false;
  let measuring = false;
  let windowDelivered = 0;
  let misrouted = 0;
  const lat = new Samples();

  const send = (f: Flow) => {
    const seq = f.next++;
    f.inflight++;
    const stamp = `${f.id}.${seq}.${Math.round(performance.now() * 1000)}.`;
    f.from.write(`<message to='${f.toJid}' type='chat' id='${f.id}-${seq}'><body>${stamp}${pad.slice(stamp.length)}</body></message>`);
  };

  const onBody = (conn: XmppConn, s: string, a: number, b: number) => {
    const d1 = s.indexOf(".", a);
    const d2 = s.indexOf(".", d1 + 1);
    const d3 = s.indexOf(".", d2 + 1);
    if (d1 < 0 || d3 < 0 || d3 > b) return;
    const f = flows[+s.slice(a, d1)];
    if (!f || f.to !== conn) {
      misrouted++;
      return;
    }
    const seq = +s.slice(d1 + 1, d2);
    if (seq >= f.seen.length) {
      const n = new Uint8Array(Math.max(seq + 1, f.seen.length * 2));
      n.set(f.seen);
      f.seen = n;
    }
    if (f.seen[seq]) {
      f.dups++;
      return;
    }
    f.seen[seq] = 1;
    f.received++;
    if (seq < f.maxSeen) f.reordered++;
    else f.maxSeen = seq;
    f.inflight--;
    if (measuring) {
      windowDelivered++;
      lat.push(performance.now() - +s.slice(d2 + 1, d3) / 1000);
    }
    if (sending) send(f);
  };

  for (const conn of conns) {
    let pending = "";
    conn.setDataHandler((text) => {
      const s = pending ? pending + text : text;
      let pos = 0;
      for (;;) {
        const i = s.indexOf("<body>", pos);
        if (i < 0) {
          pending = s.slice(Math.max(pos, s.length - 5));
          return;
        }
        const j = s.indexOf("</body>", i + 6);
        if (j < 0) {
          pending = s.slice(i);
          return;
        }
        onBody(conn, s, i + 6, j);
        pos = j + 7;
      }
    });
  }

  const empty = (failed: string, cpu: CpuSpan): MessageResult => ({
    flows: flows.length,
    window: o.window,
    sent: 0,
    delivered: 0,
    lost: 0,
    duplicated: 0,
    reordered: 0,
    misrouted,
    msgsPerSec: NaN,
    p50Ms: NaN,
    p99Ms: NaN,
    cpu,
    serverCpuUsPerMsg: NaN,
    genCpuUsPerMsg: NaN,
    failed,
  });

  try {
    // One message per flow first: proves routing works (and sets up s2s links) before timing.
    const c0 = sampleCpu(o.serverPids);
    for (const f of flows) send(f);
    const firstDeadline = performance.now() + (o.firstDeliveryTimeoutMs ?? 30_000);
    while (flows.some((f) => f.inflight > 0) && performance.now() < firstDeadline) await sleep(20);
    const stuck = flows.filter((f) => f.inflight > 0).length;
    if (stuck) return empty(`${stuck} of ${flows.length} flows got no first message within ${o.firstDeliveryTimeoutMs ?? 30_000} ms (misrouted/bounced: ${misrouted})`, cpuSpan(c0, sampleCpu(o.serverPids)));

    sending = true;
    for (const f of flows) for (let k = 0; k < o.window; k++) send(f);
    await sleep(o.warmupMs);
    windowDelivered = 0;
    measuring = true;
    const a = sampleCpu(o.serverPids);
    await sleep(o.durationMs);
    const b = sampleCpu(o.serverPids);
    measuring = false;
    const delivered = windowDelivered;
    sending = false;
    const drainDeadline = performance.now() + o.drainMs;
    while (flows.some((f) => f.inflight > 0) && performance.now() < drainDeadline) await sleep(20);
    await sleep(100); // late duplicates
    const cpu = cpuSpan(a, b);
    const sent = flows.reduce((s, f) => s + f.next, 0);
    const received = flows.reduce((s, f) => s + f.received, 0);
    return {
      flows: flows.length,
      window: o.window,
      sent,
      delivered: received,
      lost: sent - received,
      duplicated: flows.reduce((s, f) => s + f.dups, 0),
      reordered: flows.reduce((s, f) => s + f.reordered, 0),
      misrouted,
      msgsPerSec: delivered / (cpu.wallMs / 1000),
      p50Ms: lat.percentile(50),
      p99Ms: lat.percentile(99),
      cpu,
      serverCpuUsPerMsg: delivered ? (sum(cpu.serverMs) * 1000) / delivered : NaN,
      genCpuUsPerMsg: delivered ? (cpu.genMs * 1000) / delivered : NaN,
    };
  } finally {
    await Promise.all(conns.map((c) => c.close()));
  }
}

/** Waits until the server is idle (under 5 % of a core over 500 ms), at most maxMs. */
export async function quiesce(pid: number, maxMs = 30_000): Promise<void> {
  const end = performance.now() + maxMs;
  let prev = processCpuMs(pid);
  while (performance.now() < end) {
    await sleep(500);
    const now = processCpuMs(pid);
    if (!Number.isFinite(now) || now - prev < 25) return;
    prev = now;
  }
}

/** Untimed logins (and closes) so that lazy initialisation and JIT warm-up do not land in a timed phase. */
export async function warmUp(target: Target, acc: Accounts, mechs: ScramMech[], n: number): Promise<void> {
  for (const mech of mechs) {
    try {
      await pool(n, 5, async (i) => {
        const c = await XmppConn.login(target, userName(i % acc.count), acc.password, { mech, cache: acc.cache });
        await c.close();
      });
    } catch (e) {
      if (!(e instanceof MechanismNotOffered)) throw e;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Memory per idle connection

export interface MemoryLevel {
  connections: number;
  rssKiB: number;
  kibPerConn: number;
  failedLogins: number;
}

export interface MemoryResult {
  baselineKiB: number;
  levels: MemoryLevel[];
  /** KiB per connection between the last two levels. */
  marginalKibPerConn: number;
  errors: string[];
}

/** Waits until the RSS stops moving (three readings 500 ms apart within 0.5 %), at most maxMs. */
export async function settledRss(pid: number, minMs = 2000, maxMs = 10_000): Promise<number> {
  const start = performance.now();
  await sleep(minMs);
  const r: number[] = [processRssKiB(pid)];
  while (performance.now() - start < maxMs) {
    await sleep(500);
    r.push(processRssKiB(pid));
    const last = r.slice(-3);
    if (last.length === 3 && (Math.max(...last) - Math.min(...last)) / Math.max(...last) < 0.005) break;
  }
  return r[r.length - 1]!;
}

export async function runMemory(
  target: Target,
  acc: Accounts,
  pid: number,
  levels: number[],
  concurrency = 50,
  settle?: { minMs: number; maxMs: number },
  /** Called with every connection still open after the last level was measured. */
  atPeak?: () => Promise<void>,
): Promise<MemoryResult> {
  const errors: string[] = [];
  await quiesce(pid);
  const baselineKiB = await settledRss(pid, settle?.minMs, settle?.maxMs);
  const conns: XmppConn[] = [];
  const out: MemoryLevel[] = [];
  let failed = 0;
  let nextUser = 0;
  try {
    for (const level of levels) {
      const from = nextUser;
      const n = Math.max(0, Math.min(level, acc.count) - from);
      nextUser += n;
      await pool(n, concurrency, async (k) => {
        try {
          conns.push(await XmppConn.login(target, userName(from + k), acc.password, { mech: "SCRAM-SHA-1", cache: acc.cache, resource: "idle", timeoutMs: 60_000 }));
        } catch (e) {
          failed++;
          if (errors.length < 5) errors.push((e as Error).message);
        }
      });
      const alive = conns.filter((c) => !c.closed).length;
      const rss = await settledRss(pid, settle?.minMs, settle?.maxMs);
      out.push({ connections: alive, rssKiB: rss, kibPerConn: (rss - baselineKiB) / alive, failedLogins: failed });
    }
    await atPeak?.();
  } finally {
    acc.cache.save();
    await Promise.all(conns.map((c) => c.close(10_000)));
  }
  const [p, q] = out.slice(-2);
  const marginal = p && q && q.connections > p.connections ? (q.rssKiB - p.rssKiB) / (q.connections - p.connections) : NaN;
  return { baselineKiB, levels: out, marginalKibPerConn: marginal, errors };
}

// ---------------------------------------------------------------------------------------------
// Accounts

/** Creates bench<from>..bench<to-1> by in-band registration ("exists" counts as success). */
export async function registerUsers(target: Target, password: string, from: number, to: number, concurrency = 4): Promise<void> {
  await pool(to - from, concurrency, async (k) => {
    await XmppConn.register(target, userName(from + k), password);
  });
}
