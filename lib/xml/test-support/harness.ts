/** Test helpers: feed input to a parser in various chunkings and record what it reports. */
import type { Element } from "ltx";
import { XmlStreamParser, type ParseError, type ParserLimits, type StreamHeader } from "../parser";
import { serialize } from "../serialize";

export interface Recorded {
  header?: StreamHeader;
  elements: Element[];
  ended: boolean;
  errors: ParseError[];
  /** Everything in order, as comparable strings. */
  log: string[];
  /** Bytes written so far (including the current write). */
  fed: number;
  /** `fed` when the error was reported: with byte-by-byte input, the exact offset that triggered it. */
  errorAt?: number;
}

export function recorder(): { rec: Recorded; handler: ConstructorParameters<typeof XmlStreamParser>[0] } {
  const rec: Recorded = { elements: [], ended: false, errors: [], log: [], fed: 0 };
  return {
    rec,
    handler: {
      streamStart(h) {
        rec.header = h;
        rec.log.push(`start ${JSON.stringify(h)}`);
      },
      element(el) {
        rec.elements.push(el);
        rec.log.push(`el ${serialize(el)}`);
      },
      streamEnd() {
        rec.ended = true;
        rec.log.push("end");
      },
      error(err) {
        rec.errors.push(err);
        rec.errorAt = rec.fed;
        rec.log.push(`error ${err.condition}${err.app ? `/${err.app.name}` : ""}`);
      },
    },
  };
}

export type Chunking = "one" | "bytes" | number[];

/** Splits `buf` at the given offsets (sorted, deduplicated). */
export function splitAt(buf: Buffer, offsets: number[]): Buffer[] {
  const out: Buffer[] = [];
  let prev = 0;
  for (const o of [...new Set(offsets)].sort((a, b) => a - b)) {
    if (o <= prev || o >= buf.length) continue;
    out.push(buf.subarray(prev, o));
    prev = o;
  }
  out.push(buf.subarray(prev));
  return out;
}

export function* chunksOf(input: string | Buffer, chunking: Chunking): Generator<Buffer> {
  const buf = typeof input === "string" ? Buffer.from(input, "utf8") : input;
  if (chunking === "one") yield buf;
  else if (chunking === "bytes") for (let i = 0; i < buf.length; i++) yield buf.subarray(i, i + 1);
  else yield* splitAt(buf, chunking);
}

/** Parses the whole input; `end()` is called only when asked. */
export function parse(
  input: string | Buffer,
  chunking: Chunking = "one",
  limits?: Partial<ParserLimits>,
  opts: { end?: boolean } = {},
): Recorded & { parser: XmlStreamParser } {
  const { rec, handler } = recorder();
  const parser = new XmlStreamParser(handler, limits);
  for (const c of chunksOf(input, chunking)) {
    rec.fed += c.length;
    parser.write(c);
    // Nothing more can happen after a failure; stopping keeps byte-by-byte runs of big inputs fast.
    if (parser.failed) break;
  }
  if (opts.end) parser.end();
  return Object.assign(rec, { parser });
}

export const HEADER_C2S =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' " +
  "to='example.com' version='1.0' xml:lang='en'>";

/** A seeded PRNG (mulberry32) so fuzz and chunking tests are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randInt(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}
