/**
 * Mutation fuzzing with a fixed seed (XML-08 differential). For every mutated stream:
 * - write() never throws and at most one error is reported, after which nothing else is;
 * - no emitted element exceeds the limits;
 * - every emitted element serializes to XML that a fresh parser accepts and reads back as an
 *   equal element;
 * - random chunking gives exactly the one-write result.
 */
import type { Element } from "ltx";
import { SaxesParser } from "saxes";
import type { ParserLimits } from "./parser";
import { serialize } from "./serialize";
import { elementsEqual } from "./element";
import { corpus, stanza } from "./test-support/corpus";
import { HEADER_C2S as H, parse, randInt, rng } from "./test-support/harness";

const LIMITS: ParserLimits = {
  maxStanzaBytes: 700,
  maxDepth: 6,
  maxAttributes: 6,
  maxHeaderBytes: 300,
  maxTextBytes: 250,
  maxElements: 24,
};

const INSERTS = [
  "<", ">", "&", "]]>", "/", "=", "'", '"', ";", ":", "<!--", "-->", "<?x?>", "<?xml version='1.0'?>", "<![CDATA[", "<!DOCTYPE x>",
  "&amp;", "&#0;", "&#x1F600;", "&nbsp;", "&#xD800;", "\u0000", "\u0001", "\r", "\r\n", "\t", " ", "😀", "é",
  "xmlns='urn:x' ", "xmlns:a='urn:a' ", " a:b='1'", "a:", "xmlns:p='' ", " id='1'", "</message>", "<message>", "<a>", "</a>",
  "</stream:stream>", "<stream:stream>", "\xC3", "\uFEFF",
];

function seeds(r: () => number): Buffer[] {
  const deep = `<iq type='set'><a><b><c><d xmlns='urn:d'><e>deep</e></d></c></b></a></iq>`;
  const wide = `<message a='1' b='2' c='3' d='4' e='5'><x/><y/><z/></message>`;
  const prefixed = `<c:message xmlns:c='jabber:client' xmlns:x='urn:x' x:a='&amp;'><c:body>ok</c:body><x:y x:z='1'/></c:message>`;
  const big = `<message><body>${"x".repeat(600)}</body></message>`;
  const nested = `<iq><a><b><c><d><e/></d></c></b></a></iq>`;
  const many = `<message a='1' b='2' c='3' d='4' e='5' f='6'/>${"<presence><x/><x/><x/><x/><x/><x/><x/><x/><x/><x/><x/><x/><x/><x/><x/><x/><x/><x/><x/><x/><x/><x/></presence>"}`;
  const out = [
    corpus(r, 6),
    `${H}${big}${nested}
${many}<presence/>`,
    `${H}${deep} ${wide}\n${prefixed}<presence/></stream:stream>`,
    `${H}${stanza(r)}<![CDATA[]]>${stanza(r)}`,
    `${H}<message><body>a<![CDATA[<b>]]>c\r\nd</body></message>${stanza(r)}`,
  ];
  return out.map((s) => Buffer.from(s));
}

function mutate(r: () => number, base: Buffer, others: Buffer[]): Buffer {
  let b = base;
  const n = randInt(r, 1, 3);
  for (let k = 0; k < n; k++) {
    const at = randInt(r, 0, b.length);
    switch (randInt(r, 0, 5)) {
      case 0: {
        const c = Buffer.from(b);
        // Mostly printable ASCII: a random high byte is nearly always just invalid UTF-8.
        if (c.length > 0) c[Math.min(at, c.length - 1)] = r() < 0.8 ? randInt(r, 0x20, 0x7e) : randInt(r, 0, 255);
        b = c;
        break;
      }
      case 1:
        b = Buffer.concat([b.subarray(0, at), Buffer.from(INSERTS[randInt(r, 0, INSERTS.length - 1)]), b.subarray(at)]);
        break;
      case 2:
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + randInt(r, 1, 24)))]);
        break;
      case 3:
        if (r() < 0.3) b = b.subarray(0, at);
        break;
      case 4: {
        const src = others[randInt(r, 0, others.length - 1)];
        const from = randInt(r, 0, src.length);
        b = Buffer.concat([b.subarray(0, at), src.subarray(from, from + randInt(r, 1, 80)), b.subarray(at)]);
        break;
      }
      default: {
        const from = randInt(r, 0, b.length);
        const piece = b.subarray(from, from + randInt(r, 1, 40));
        b = Buffer.concat([b.subarray(0, at), piece, piece, b.subarray(at)]);
      }
    }
  }
  return b;
}

/** Checks the limits on an emitted stanza; returns a lower bound of its source size in bytes. */
function checkLimits(root: Element): void {
  let elements = 0;
  let contentBytes = 0;
  const work: [Element, number][] = [[root, 1]];
  while (work.length > 0) {
    const [e, depth] = work.pop()!;
    elements++;
    expect(depth).toBeLessThanOrEqual(LIMITS.maxDepth);
    // Our own xmlns/xmlns:p bookkeeping is not part of the source's attribute count.
    const own = Object.keys(e.attrs).filter((k) => k !== "xmlns" && !k.startsWith("xmlns:"));
    expect(own.length).toBeLessThanOrEqual(LIMITS.maxAttributes);
    contentBytes += Buffer.byteLength(e.name);
    for (const k of own) contentBytes += Buffer.byteLength(k) + Buffer.byteLength(String(e.attrs[k]));
    for (const c of e.children) {
      if (typeof c === "string") {
        const n = Buffer.byteLength(c);
        expect(n).toBeLessThanOrEqual(LIMITS.maxTextBytes!);
        contentBytes += n;
      } else {
        work.push([c, depth + 1]);
      }
    }
  }
  expect(elements).toBeLessThanOrEqual(LIMITS.maxElements!);
  // Decoded content is never longer than its encoding, so this bounds the stanza's source size.
  expect(contentBytes).toBeLessThanOrEqual(LIMITS.maxStanzaBytes);
}

/** An independent check with stock saxes in namespace mode: the output is namespace-well-formed XML. */
function strictlyWellFormed(xml: string): void {
  const problems: string[] = [];
  const sx = new SaxesParser({ xmlns: true });
  sx.on("error", (err) => problems.push(err.message));
  sx.write(xml).close();
  if (problems.length !== 0) throw new Error(`serializer produced bad XML (${problems[0]}): ${xml}`);
}

function reparsesEqual(e: Element): void {
  const xml = serialize(e);
  strictlyWellFormed(xml);
  const back = parse(`<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>${xml}`, "one", {
    maxStanzaBytes: 1 << 20,
    maxHeaderBytes: 1 << 20,
  });
  if (back.errors.length !== 0 || back.elements.length !== 1 || !elementsEqual(back.elements[0], e)) {
    throw new Error(`re-serialization differs: ${xml} -> ${JSON.stringify(back.log)}`);
  }
}

test("3000 mutated streams: no throw, one error at most, limits hold, output re-parses equal, chunking irrelevant", () => {
  const r = rng(20240601);
  const bases = seeds(r);
  const stats = { errors: new Map<string, number>(), elements: 0, clean: 0 };
  for (let iter = 0; iter < 3000; iter++) {
    const input = mutate(r, bases[iter % bases.length], bases);
    const end = iter % 4 === 0;
    const one = parse(input, "one", LIMITS, { end });
    expect(one.errors.length).toBeLessThanOrEqual(1);
    if (one.errors.length === 1) {
      expect(one.log[one.log.length - 1]).toMatch(/^error /);
      const c = one.errors[0].condition;
      stats.errors.set(c, (stats.errors.get(c) ?? 0) + 1);
    } else {
      stats.clean++;
    }
    for (const e of one.elements) {
      checkLimits(e);
      reparsesEqual(e);
    }
    stats.elements += one.elements.length;

    const cuts: number[] = [];
    for (let off = randInt(r, 1, 40); off < input.length; off += randInt(r, 1, 40)) cuts.push(off);
    const chunked = parse(input, cuts, LIMITS, { end });
    if (chunked.log.join("\n") !== one.log.join("\n")) {
      expect({ input: input.toString("latin1"), cuts, log: chunked.log }).toEqual({ input: input.toString("latin1"), cuts, log: one.log });
    }
  }
  // The fuzzer must actually reach the interesting paths.
  expect(stats.elements).toBeGreaterThan(2000);
  expect(stats.clean).toBeGreaterThan(100);
  for (const c of ["not-well-formed", "restricted-xml", "policy-violation", "bad-namespace-prefix"]) {
    expect(stats.errors.get(c) ?? 0).toBeGreaterThan(10);
  }
});
