/** Command-line options of bench/run.ts and the scenario sizes (full and --quick). */
import os from "node:os";
import path from "node:path";

export const USAGE = `usage: npm run bench -- [options]        (after npm run build)

Targets (default: start our server on 127.0.0.4 and measure it alone)
  --compare                 also install (apt, if missing), start and measure Prosody (127.0.0.5) and
                            ejabberd (127.0.0.6); prints ratios; writes docs/performance.md
  --servers LIST            subset of ours,prosody,ejabberd to start (default all with --compare)
  --host H --port P --domain D
                            measure a server that is already running (not started by the bench)
  --ca FILE                 its CA certificate (default: certificates are not checked)
  --server-pid PID          its process, for CPU and memory readings (memory scenario needs it)
  --adduser-cmd TEMPLATE    create its accounts with a command, e.g.
                            'prosodyctl register {user} {domain} {password}' (default: in-band registration)

Scenarios and sizes
  --quick                   smoke sizes, one repetition, a few seconds per server
  --scenarios LIST          login,msg,mem,fed (default all)
  --reps N                  repetitions (default 3; --quick 1)
  --mechs LIST              SASL mechanisms for the login phases (default SCRAM-SHA-1,SCRAM-SHA-256)
  --login-seq N             logins one at a time (default 200)
  --login-burst N           logins in the burst (default 1000)
  --login-concurrency N     logins in flight in the burst (default 50)
  --pairs N                 pairs in the saturated message phase (default 50)
  --window N                messages in flight per flow (default 10)
  --msg-seconds S           measured seconds per message phase (default 10)
  --warmup-seconds S        unmeasured seconds before (default 2)
  --mem-levels LIST         idle connections (default 1000,5000,10000)
  --mem-reps N              repetitions of the memory scenario (default: --reps)
  --fed-pairs N             pairs for the s2s phase (default 50)

Other
  --prepare                 only create the accounts and cache the SCRAM keys, then stop
  --max-other PCT           repeat a measured phase when other processes took more than PCT % of a
                            core meanwhile (default 30), at most --retries times (default 2)
  --work DIR                state: certificates, server data, accounts, key cache (default ${path.join(os.tmpdir(), "xmppd-bench")})
  --fresh                   wipe the managed servers' data (accounts) first
  --cpu-prof DIR            run our server under node --cpu-prof, profiles into DIR
  --ours-yaml TEXT          extra lines for our server's configuration
  --ours-node-args=ARGS     extra node flags for our server, space-separated
                            (e.g. --ours-node-args='--max-semi-space-size=1')
  --ours-mam                keep our message archive (mam) on; by default it is disabled, as the
                            Prosody and ejabberd configurations do not archive either
  --heap-snapshot DIR       our server: write a V8 heap snapshot at the largest memory level
  --json FILE               write every figure (per repetition) as JSON
  --docs / --no-docs        write docs/performance.md (default: only with --compare)
`;

export interface Options {
  compare: boolean;
  servers: string[];
  external?: { host: string; port: number; domain: string; ca?: string; pid?: number; adduserCmd?: string };
  quick: boolean;
  scenarios: Set<string>;
  reps: number;
  mechs: ("SCRAM-SHA-1" | "SCRAM-SHA-256")[];
  loginSeq: number;
  loginBurst: number;
  loginConcurrency: number;
  loginPool: number;
  pairs: number;
  window: number;
  msgSeconds: number;
  oneMsgSeconds: number;
  warmupSeconds: number;
  drainSeconds: number;
  memLevels: number[];
  memReps: number;
  memSettle: { minMs: number; maxMs: number };
  fedPairs: number;
  work: string;
  fresh: boolean;
  prepare: boolean;
  maxOther: number;
  retries: number;
  cpuProf?: string;
  oursYaml?: string;
  oursMam: boolean;
  oursNodeArgs: string[];
  heapSnapshot?: string;
  json?: string;
  docs: boolean;
  argv: string[];
}

export function parseOptions(argv: string[]): Options {
  const a = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    if (!k.startsWith("--")) throw new Error(`unexpected argument ${k}\n${USAGE}`);
    const eq = k.indexOf("=");
    if (eq > 0) a.set(k.slice(2, eq), k.slice(eq + 1));
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith("--")) a.set(k.slice(2), argv[++i]!);
    else a.set(k.slice(2), true);
  }
  const known = new Set(USAGE.match(/--[a-z0-9-]+/g)!.map((s) => s.slice(2)));
  known.add("help");
  for (const k of a.keys()) if (!known.has(k)) throw new Error(`unknown option --${k}\n${USAGE}`);
  if (a.has("help")) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const str = (k: string) => (typeof a.get(k) === "string" ? (a.get(k) as string) : undefined);
  const num = (k: string, d: number) => {
    const v = str(k);
    if (v === undefined) return d;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${k}: expected a number`);
    return n;
  };
  const list = (k: string, d: string) => (str(k) ?? d).split(",").map((s) => s.trim()).filter(Boolean);
  const quick = a.has("quick");
  const compare = a.has("compare");
  let external: Options["external"];
  if (a.has("host") || a.has("port") || a.has("domain")) {
    const host = str("host");
    const domain = str("domain");
    if (!host || !domain) throw new Error("--host and --domain go together (and --port, default 5222)");
    if (compare) throw new Error("--compare starts its own servers; it does not take --host");
    external = { host, port: num("port", 5222), domain, ca: str("ca"), pid: a.has("server-pid") ? num("server-pid", 0) : undefined, adduserCmd: str("adduser-cmd") };
  } else if (a.has("adduser-cmd")) {
    throw new Error("--adduser-cmd is for a server given with --host/--domain (managed servers use in-band registration)");
  }
  const scenarios = new Set(list("scenarios", "login,msg,mem,fed"));
  for (const s of scenarios) if (!["login", "msg", "mem", "fed"].includes(s)) throw new Error(`--scenarios: unknown ${s}`);
  const mechs = list("mechs", "SCRAM-SHA-1,SCRAM-SHA-256");
  for (const m of mechs) if (m !== "SCRAM-SHA-1" && m !== "SCRAM-SHA-256") throw new Error(`--mechs: ${m} (SCRAM-SHA-1 or SCRAM-SHA-256)`);
  const servers = external ? ["external"] : list("servers", compare ? "ours,prosody,ejabberd" : "ours");
  for (const s of servers) if (!["ours", "prosody", "ejabberd", "external"].includes(s)) throw new Error(`--servers: unknown ${s}`);
  const loginConcurrency = num("login-concurrency", 50);
  return {
    compare,
    servers,
    external,
    quick,
    scenarios,
    reps: Math.max(1, num("reps", quick ? 1 : 3)),
    mechs: mechs as Options["mechs"],
    loginSeq: num("login-seq", quick ? 10 : 200),
    loginBurst: num("login-burst", quick ? 100 : 1000),
    loginConcurrency,
    loginPool: Math.max(loginConcurrency * 2, quick ? 100 : 1000),
    pairs: num("pairs", quick ? 10 : 50),
    window: num("window", 10),
    msgSeconds: num("msg-seconds", quick ? 1.5 : 10),
    oneMsgSeconds: quick ? 1 : 5,
    warmupSeconds: num("warmup-seconds", quick ? 0.5 : 2),
    drainSeconds: 10,
    memReps: num("mem-reps", num("reps", quick ? 1 : 3)),
    memLevels: list("mem-levels", quick ? "100,200" : "1000,5000,10000").map(Number),
    memSettle: quick ? { minMs: 500, maxMs: 2000 } : { minMs: 2000, maxMs: 10_000 },
    fedPairs: num("fed-pairs", quick ? 5 : 50),
    work: path.resolve(str("work") ?? path.join(os.tmpdir(), "xmppd-bench")),
    fresh: a.has("fresh"),
    prepare: a.has("prepare"),
    maxOther: num("max-other", 30),
    retries: num("retries", quick ? 1 : 2),
    cpuProf: str("cpu-prof") ? path.resolve(str("cpu-prof")!) : undefined,
    oursYaml: str("ours-yaml"),
    oursMam: a.has("ours-mam"),
    oursNodeArgs: (str("ours-node-args") ?? "").split(/\s+/).filter(Boolean),
    heapSnapshot: str("heap-snapshot") ? path.resolve(str("heap-snapshot")!) : undefined,
    json: str("json"),
    docs: a.has("no-docs") ? false : a.has("docs") || compare,
    argv,
  };
}
