/**
 * Summarises a V8 heap snapshot (`npm run bench -- --scenarios mem --heap-snapshot DIR`): self size
 * and count per constructor / object kind, largest first, and per idle connection when told how
 * many connections were open.
 *
 *   node --max-old-space-size=4096 dist/bench/heap.js FILE.heapsnapshot [--connections N] [--top N]
 */
import { readFileSync } from "node:fs";

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: (string[] | string)[] } };
  nodes: number[];
  strings: string[];
}

export function summariseHeap(snap: Snapshot, top = 30): { totalBytes: number; rows: { name: string; count: number; bytes: number }[] } {
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0] as string[];
  const n = fields.length;
  const iType = fields.indexOf("type");
  const iName = fields.indexOf("name");
  const iSize = fields.indexOf("self_size");
  const agg = new Map<string, { count: number; bytes: number }>();
  let total = 0;
  for (let i = 0; i < snap.nodes.length; i += n) {
    const type = types[snap.nodes[i + iType]!]!;
    const size = snap.nodes[i + iSize]!;
    total += size;
    let name = snap.strings[snap.nodes[i + iName]!] ?? "?";
    // Group strings, code and closures by kind rather than by content.
    if (type === "string" || type === "concatenated string" || type === "sliced string") name = "(string)";
    else if (type === "code") name = "(compiled code)";
    else if (type === "closure") name = "(closure)";
    else if (type === "array") name = `(array) ${name.length > 40 ? "" : name}`.trim();
    else if (type === "hidden") name = `(hidden) ${name.length > 60 ? name.slice(0, 60) : name}`;
    else if (type === "native") name = `(native) ${name.length > 60 ? name.slice(0, 60) : name}`;
    const key = `${name}`;
    const a = agg.get(key) ?? { count: 0, bytes: 0 };
    a.count++;
    a.bytes += size;
    agg.set(key, a);
  }
  const rows = [...agg.entries()]
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .slice(0, top)
    .map(([name, v]) => ({ name, ...v }));
  return { totalBytes: total, rows };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const opt = (k: string) => {
    const i = args.indexOf(k);
    return i >= 0 ? Number(args.splice(i, 2)[1]) : undefined;
  };
  const conns = opt("--connections");
  const top = opt("--top") ?? 30;
  const file = args[0];
  if (!file) {
    console.error("usage: node dist/bench/heap.js FILE.heapsnapshot [--connections N] [--top N]");
    process.exit(2);
  }
  const s = summariseHeap(JSON.parse(readFileSync(file, "utf8")) as Snapshot, top);
  const per = (b: number) => (conns ? `  ${(b / 1024 / conns).toFixed(2).padStart(7)} KiB/conn` : "");
  console.log(`JS heap (self sizes): ${(s.totalBytes / 2 ** 20).toFixed(1)} MiB${per(s.totalBytes)}`);
  for (const r of s.rows) console.log(`${(r.bytes / 2 ** 20).toFixed(1).padStart(8)} MiB ${String(r.count).padStart(9)} objects${per(r.bytes)}  ${r.name}`);
}
