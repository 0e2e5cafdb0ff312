/**
 * Summarises a V8 CPU profile (node --cpu-prof, e.g. `npm run bench -- --cpu-prof DIR`):
 * self time per function and per source file, and inclusive time of the project's functions,
 * as percentages of the busy (non-idle) samples.
 *
 *   node dist/bench/profile.js FILE.cpuprofile [--top N]
 */
import { readFileSync } from "node:fs";
import path from "node:path";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileSummary {
  totalMs: number;
  busyMs: number;
  selfByFunction: { name: string; ms: number; pct: number }[];
  selfByFile: { name: string; ms: number; pct: number }[];
  inclusiveOurs: { name: string; ms: number; pct: number }[];
}

const REPO = path.resolve(__dirname, "..", "..");

function shortUrl(url: string): string {
  if (!url) return "";
  let u = url.replace(/^file:\/\//, "");
  if (u.startsWith(REPO)) u = path.relative(REPO, u);
  u = u.replace(/^dist\//, "").replace(/^.*\/ours-dist\//, "");
  const nm = u.lastIndexOf("node_modules/");
  if (nm >= 0) u = u.slice(nm);
  return u;
}

function frameName(f: CallFrame): string {
  const fn = f.functionName || "(anonymous)";
  const u = shortUrl(f.url);
  return u ? `${fn} ${u}:${f.lineNumber + 1}` : fn;
}

const isOurs = (url: string) => /\/(lib|modules|bin)\//.test(url) && !url.includes("node_modules");

export function summarise(profile: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Time per sample from timeDeltas when present (hitCount × mean interval otherwise).
  const selfMs = new Map<number, number>();
  if (profile.samples && profile.timeDeltas) {
    for (let i = 0; i < profile.samples.length; i++) {
      const d = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
      selfMs.set(profile.samples[i]!, (selfMs.get(profile.samples[i]!) ?? 0) + d);
    }
  } else {
    const hits = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
    const per = (profile.endTime - profile.startTime) / 1000 / Math.max(1, hits);
    for (const n of profile.nodes) selfMs.set(n.id, (n.hitCount ?? 0) * per);
  }
  let total = 0;
  let idle = 0;
  const fnSelf = new Map<string, number>();
  const fileSelf = new Map<string, number>();
  for (const n of profile.nodes) {
    const ms = selfMs.get(n.id) ?? 0;
    total += ms;
    const f = n.callFrame;
    if (f.functionName === "(idle)") {
      idle += ms;
      continue;
    }
    const name = frameName(f);
    fnSelf.set(name, (fnSelf.get(name) ?? 0) + ms);
    const file = f.url ? shortUrl(f.url).replace(/^(node_modules\/(?:@[^/]+\/)?[^/]+).*/, "$1") : f.functionName;
    fileSelf.set(file, (fileSelf.get(file) ?? 0) + ms);
  }
  const busy = total - idle;

  // Inclusive time of our functions: each sample counted once per distinct function on its stack.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const incl = new Map<string, number>();
  for (const n of profile.nodes) {
    const ms = selfMs.get(n.id) ?? 0;
    if (!ms || n.callFrame.functionName === "(idle)") continue;
    const seen = new Set<string>();
    for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id)!.callFrame;
      if (!isOurs(f.url)) continue;
      const name = frameName(f);
      if (seen.has(name)) continue;
      seen.add(name);
      incl.set(name, (incl.get(name) ?? 0) + ms);
    }
  }
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms, pct: (100 * ms) / busy }));
  return { totalMs: total, busyMs: busy, selfByFunction: rank(fnSelf), selfByFile: rank(fileSelf), inclusiveOurs: rank(incl) };
}

export function renderSummary(s: ProfileSummary): string {
  const rows = (xs: { name: string; ms: number; pct: number }[]) => xs.map((x) => `  ${x.pct.toFixed(1).padStart(5)} %  ${x.ms.toFixed(0).padStart(7)} ms  ${x.name}`).join("\n");
  return [
    `profile: ${(s.totalMs / 1000).toFixed(1)} s sampled, ${(s.busyMs / 1000).toFixed(1)} s busy (percentages are of busy time)`,
    `self time by function:`,
    rows(s.selfByFunction),
    `self time by file / package:`,
    rows(s.selfByFile),
    `inclusive time of the project's functions:`,
    rows(s.inclusiveOurs),
  ].join("\n");
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf("--top");
  const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
  if (!args.length) {
    console.error("usage: node dist/bench/profile.js FILE.cpuprofile [--top N]");
    process.exit(2);
  }
  for (const f of args) {
    console.log(`== ${f}`);
    console.log(renderSummary(summarise(JSON.parse(readFileSync(f, "utf8")) as CpuProfile, top)));
  }
}
