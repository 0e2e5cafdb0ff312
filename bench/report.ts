/**
 * Results across repetitions, the comparison table (median and min–max per server, ratios
 * ours/Prosody and ours/ejabberd), the targets check, and docs/performance.md.
 */
import { fmt, spread } from "./stats";

export type Better = "higher" | "lower" | "zero" | "info";

export interface MetricDef {
  key: string;
  label: string;
  unit: string;
  better: Better;
  /** main table (default), CPU split table, or federation table (rows are server pairs). */
  section?: "main" | "cpu" | "fed";
}

/** results[server][metric] = one value per repetition */
export class Results {
  readonly values = new Map<string, Map<string, number[]>>();
  readonly defs = new Map<string, MetricDef>();
  readonly notes: string[] = [];

  add(server: string, def: MetricDef, value: number): void {
    if (!this.defs.has(def.key)) this.defs.set(def.key, def);
    let m = this.values.get(server);
    if (!m) this.values.set(server, (m = new Map()));
    const arr = m.get(def.key) ?? [];
    arr.push(value);
    m.set(def.key, arr);
  }

  get(server: string, key: string): number[] {
    return this.values.get(server)?.get(key) ?? [];
  }

  median(server: string, key: string): number {
    return spread(this.get(server, key)).median;
  }

  toJSON(): unknown {
    const out: Record<string, Record<string, number[]>> = {};
    for (const [s, m] of this.values) out[s] = Object.fromEntries(m);
    return { metrics: [...this.defs.values()], values: out, notes: this.notes };
  }
}

function cell(values: number[]): string {
  const s = spread(values);
  if (s.n === 0) return "–";
  if (s.n === 1 || s.min === s.max) return fmt(s.median);
  return `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;
}

function ratio(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return "–";
  return `${(a / b).toFixed(2)}×`;
}

const BETTER_MARK: Record<Better, string> = { higher: "↑", lower: "↓", zero: "=0", info: "" };

function markdown(head: string[], rows: string[][]): string {
  return [`| ${head.join(" | ")} |`, `|${head.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`, ...rows.map((x) => `| ${x.join(" | ")} |`)].join("\n");
}

const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** "lost / duplicated / reordered" summed over the repetitions, for a key prefix. */
function lossCell(r: Results, server: string, prefix: string): string {
  const l = r.get(server, `${prefix}.lost`);
  if (!l.length) return "–";
  const extra = total(r.get(server, `${prefix}.misrouted`));
  return `${total(l)} / ${total(r.get(server, `${prefix}.dup`))} / ${total(r.get(server, `${prefix}.reordered`))}${extra ? ` (+${extra} bounced)` : ""}`;
}

const LOSS_PARTS = /\.(dup|reordered|misrouted)$/;

/** Markdown table of one section: metric | each server | ours/other ratios. */
export function renderTable(r: Results, servers: string[], section: "main" | "cpu" = "main"): string {
  const others = servers.filter((s) => s !== "ours");
  const withRatios = section === "main" && servers.includes("ours") && others.length > 0;
  const head = ["metric", ...servers.map(label), ...(withRatios ? others.map((o) => `ours/${label(o)}`) : [])];
  const rows: string[][] = [];
  for (const def of r.defs.values()) {
    if ((def.section ?? "main") !== section || LOSS_PARTS.test(def.key)) continue;
    if (!servers.some((s) => r.get(s, def.key).length)) continue;
    if (def.key.endsWith(".lost")) {
      const prefix = def.key.slice(0, -".lost".length);
      rows.push([`${def.label.replace(/: lost$/, "")}: lost / duplicated / reordered (sum) =0`, ...servers.map((s) => lossCell(r, s, prefix)), ...(withRatios ? others.map(() => "") : [])]);
      continue;
    }
    const row = [`${def.label} (${def.unit}) ${BETTER_MARK[def.better]}`.trim(), ...servers.map((s) => cell(r.get(s, def.key)))];
    if (withRatios) for (const o of others) row.push(def.better === "zero" || def.better === "info" ? "" : ratio(r.median("ours", def.key), r.median(o, def.key)));
    rows.push(row);
  }
  return rows.length ? markdown(head, rows) : "";
}

/** Federation: one row per server pair (recorded under the pair's name), one column per figure. */
export function renderFedTable(r: Results): string {
  const pairs = [...r.values.keys()].filter((k) => k.includes("↔"));
  if (!pairs.length) return "";
  const cols: [string, string][] = [
    ["rate", "delivered msgs/s ↑"],
    ["p50", "p50 ms"],
    ["p99", "p99 ms"],
    ["cpu", "CPU of both servers per msg, µs ↓"],
    ["srvpct", "first server, % of a core"],
    ["srvpct1", "second server, % of a core"],
    ["genpct", "generator, % of a core"],
    ["otherpct", "other, % of a core"],
  ];
  const rows = pairs.map((p) => [p, ...cols.map(([k]) => cell(r.get(p, `fed.${k}`))), lossCell(r, p, "fed")]);
  return markdown(["servers", ...cols.map(([, h]) => h), "lost / dup / reordered =0"], rows);
}

export function label(server: string): string {
  return server === "prosody" ? "Prosody" : server === "ejabberd" ? "ejabberd" : server;
}

export interface TargetCheck {
  goal: string;
  status: "met" | "NOT met" | "n/a";
  detail: string;
}

/** The project's targets (issue 6), from the medians. */
export function checkTargets(r: Results): TargetCheck[] {
  const m = (s: string, k: string) => r.median(s, k);
  const out: TargetCheck[] = [];
  const check = (goal: string, ok: boolean | undefined, detail: string) => out.push({ goal, status: ok === undefined ? "n/a" : ok ? "met" : "NOT met", detail });
  const has = (s: string, k: string) => Number.isFinite(m(s, k));

  const rate = "msg.sat.rate";
  const lostOurs = ["msg.sat", "msg.1pair"]
    .flatMap((p) => ["lost", "dup", "reordered", "misrouted"].map((x) => `${p}.${x}`))
    .reduce((s, k) => s + total(r.get("ours", k)), 0);
  check(
    "message throughput ≥ ejabberd's and ≥ 3× Prosody's, zero loss",
    has("ours", rate) && has("ejabberd", rate) && has("prosody", rate) ? m("ours", rate) >= m("ejabberd", rate) && m("ours", rate) >= 3 * m("prosody", rate) && lostOurs === 0 : undefined,
    `ours ${fmt(m("ours", rate))} msgs/s, ejabberd ${fmt(m("ejabberd", rate))}, 3× Prosody ${fmt(3 * m("prosody", rate))}; lost+dup+reordered (ours, all reps) ${lostOurs}`,
  );
  const cpu = "msg.sat.cpu";
  check("server CPU per message < ejabberd's", has("ours", cpu) && has("ejabberd", cpu) ? m("ours", cpu) < m("ejabberd", cpu) : undefined, `ours ${fmt(m("ours", cpu))} µs, ejabberd ${fmt(m("ejabberd", cpu))} µs`);
  const lr = "login.burst.SCRAM-SHA-1.rate";
  const lc = "login.burst.SCRAM-SHA-1.cpu";
  check(
    "login rate ≥ ejabberd's (burst, SCRAM-SHA-1)",
    has("ours", lr) && has("ejabberd", lr) ? m("ours", lr) >= m("ejabberd", lr) : undefined,
    `ours ${fmt(m("ours", lr))}/s vs ${fmt(m("ejabberd", lr))}/s; server CPU per login ${fmt(m("ours", lc))} ms vs ${fmt(m("ejabberd", lc))} ms`,
  );
  const memKeys = [...r.defs.keys()].filter((k) => /^mem\.kib\.\d+$/.test(k)).sort((a, b) => Number(a.split(".")[2]) - Number(b.split(".")[2]));
  const mk = memKeys[memKeys.length - 1];
  check(
    `memory per idle connection ≤ Prosody's${mk ? ` (at ${mk.split(".")[2]} connections)` : ""}`,
    mk && has("ours", mk) && has("prosody", mk) ? m("ours", mk) <= m("prosody", mk) : undefined,
    mk ? `ours ${fmt(m("ours", mk))} KiB, Prosody ${fmt(m("prosody", mk))} KiB` : "no memory phase",
  );
  return out;
}
