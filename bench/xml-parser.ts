/**
 * Throughput of lib/xml/parser on a realistic c2s stream, fed in random 1–4 KiB chunks.
 *
 *   npx tsc -p tsconfig.build.json && node dist/bench/xml-parser.js [stanzas=100000] [runs=3]
 *
 * Prints MB/s and stanzas/s (median of the runs, by wall clock and by process CPU time) for the full pipeline (decode, parse, namespace
 * resolution, ltx tree), the same with serialize() of every stanza, and stock saxes counting
 * events as a reference point for the cost of our checks and tree building.
 */
import { TextDecoder } from "node:util";
import { SaxesParser } from "saxes";
import { XmlStreamParser } from "../lib/xml/parser";
import { serialize } from "../lib/xml/serialize";
import { corpus } from "../lib/xml/test-support/corpus";
import { rng } from "../lib/xml/test-support/harness";

function chunks(buf: Buffer, seed: number): Buffer[] {
  const r = rng(seed);
  const out: Buffer[] = [];
  for (let off = 0; off < buf.length; ) {
    const n = 1024 + Math.floor(r() * 3073);
    out.push(buf.subarray(off, off + n));
    off += n;
  }
  return out;
}

interface Timing {
  seconds: number;
  cpu: number;
  stanzas: number;
}

/** Wall-clock and process CPU time of fn; CPU time is the steadier figure on a shared machine. */
function timed(fn: () => number): Timing {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const stanzas = fn();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return { seconds, cpu: (c.user + c.system) / 1e6, stanzas };
}

function run(parts: Buffer[], withSerialize: boolean): Timing {
  let stanzas = 0;
  let failed = "";
  let sink = 0;
  const p = new XmlStreamParser({
    streamStart: () => undefined,
    element: (el) => {
      stanzas++;
      if (withSerialize) sink += serialize(el).length;
    },
    streamEnd: () => undefined,
    error: (e) => (failed = `${e.condition}: ${e.text}`),
  });
  const t = timed(() => {
    for (const c of parts) p.write(c);
    return stanzas;
  });
  if (failed) throw new Error(`benchmark stream rejected: ${failed}`);
  if (sink < 0) console.log(sink);
  return t;
}

/** Reference point: stock saxes behind a streaming decoder, counting events only (no checks, no tree). */
function runSaxes(parts: Buffer[], xmlns: boolean): Timing {
  let stanzas = 0;
  let depth = 0;
  const sx = new SaxesParser({ xmlns });
  sx.on("opentag", () => depth++);
  sx.on("closetag", () => {
    if (--depth === 1) stanzas++;
  });
  sx.on("error", (e) => {
    throw e;
  });
  const dec = new TextDecoder("utf-8", { fatal: true });
  return timed(() => {
    for (const c of parts) sx.write(dec.decode(c, { stream: true }));
    return stanzas;
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main(): void {
  const count = Number(process.argv[2] ?? 100000);
  const runs = Number(process.argv[3] ?? 3);
  const buf = Buffer.from(corpus(rng(42), count), "utf8");
  const parts = chunks(buf, 7);
  const mb = buf.length / 1e6;
  console.log(`input: ${mb.toFixed(1)} MB, ${count} stanzas, ${parts.length} chunks of 1–4 KiB; node ${process.version}`);
  run(parts.slice(0, 200), false); // warm-up
  const variants: [string, () => Timing][] = [
    ["XmlStreamParser              ", () => run(parts, false)],
    ["XmlStreamParser + serialize()", () => run(parts, true)],
    ["(saxes xmlns:false, events)  ", () => runSaxes(parts, false)],
    ["(saxes xmlns:true, events)   ", () => runSaxes(parts, true)],
  ];
  for (const [name, fn] of variants) {
    const wall: number[] = [];
    const cpu: number[] = [];
    let stanzas = 0;
    for (let i = 0; i < runs; i++) {
      const r = fn();
      wall.push(r.seconds);
      cpu.push(r.cpu);
      stanzas = r.stanzas;
    }
    if (stanzas !== count) throw new Error(`expected ${count} stanzas, got ${stanzas}`);
    const w = median(wall);
    const c = median(cpu);
    console.log(
      `${name}: wall ${(mb / w).toFixed(1)} MB/s ${Math.round(stanzas / w)} stanzas/s | ` +
        `cpu ${(mb / c).toFixed(1)} MB/s ${Math.round(stanzas / c)} stanzas/s ` +
        `(median of ${runs}; wall ${wall.map((x) => x.toFixed(2)).join("/")} s)`,
    );
  }
}

main();
