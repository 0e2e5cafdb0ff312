/** Resource limits (XML-10 … XML-15): exact boundaries, enforced while parsing, memory bounded. */
import { NS } from "./ns";
import { XmlStreamParser, STANZA_TOO_BIG } from "./parser";
import { StrictSaxes } from "./strict-saxes";
import { HEADER_C2S as H, parse, randInt, recorder, rng, type Chunking } from "./test-support/harness";

const OPEN = "<message><body>";
const CLOSE = "</body></message>";

/** A message of exactly `n` UTF-8 bytes with multi-byte text. */
function stanzaOfSize(n: number, filler = "é😀a", open = OPEN): string {
  let body = "";
  let left = n - Buffer.byteLength(open + CLOSE);
  const unit = Buffer.byteLength(filler);
  while (left >= unit) {
    body += filler;
    left -= unit;
  }
  body += "a".repeat(left);
  const s = open + body + CLOSE;
  expect(Buffer.byteLength(s)).toBe(n);
  return s;
}

const bytesOf = (s: string) => Buffer.byteLength(s);
const conditions = (r: { errors: { condition: string }[] }) => r.errors.map((e) => e.condition);

function randomSplits(input: string, seed: number): number[] {
  const r = rng(seed);
  const len = bytesOf(input);
  const out: number[] = [];
  for (let off = 0; off < len; off += randInt(r, 1, 300)) out.push(off);
  return out;
}

describe("stanza size (XML-10)", () => {
  const limit = 1000;
  const prefix = `${H}<presence/> \n\t `;
  const modes = (input: string): [string, Chunking][] => [
    ["one", "one"],
    ["bytes", "bytes"],
    ["random", randomSplits(input, 11)],
  ];

  test.each([0, 1, 2, 3, 4])("a stanza of exactly the limit is accepted (variant %i)", (v) => {
    const stanza = v === 4 ? stanzaOfSize(limit, "é", "<message\r\n\tto='x'><body>") : stanzaOfSize(limit, ["é😀a", "😀", "a", "日本"][v]);
    const input = `${prefix}${stanza}<presence/>`;
    for (const [, mode] of modes(input)) {
      const r = parse(input, mode, { maxStanzaBytes: limit });
      expect(r.errors).toEqual([]);
      expect(r.elements.map((e) => e.name)).toEqual(["presence", "message", "presence"]);
    }
  });

  test.each([OPEN, "<message\r\n\tto='x'><body>"])("limit + 1 bytes is rejected the moment its last byte arrives (%j)", (open) => {
    const stanza = stanzaOfSize(limit + 1, "é😀a", open);
    const input = `${prefix}${stanza}<presence/>`;
    for (const [name, mode] of modes(input)) {
      const r = parse(input, mode, { maxStanzaBytes: limit });
      expect({ name, errors: r.errors }).toEqual({
        name,
        errors: [{ condition: "policy-violation", text: expect.any(String), app: { name: "stanza-too-big", xmlns: NS.XMPP_ERRORS } }],
      });
      expect(r.elements.map((e) => e.name)).toEqual(["presence"]);
      if (mode === "bytes") expect(r.errorAt).toBe(bytesOf(prefix) + limit + 1);
    }
    expect(STANZA_TOO_BIG).toEqual({ name: "stanza-too-big", xmlns: "urn:xmpp:errors" });
  });

  test("an open stanza is rejected as soon as it passes the limit, not when it ends", () => {
    for (const filler of ["a", "😀"]) {
      const input = `${prefix}${OPEN}${filler.repeat(5000)}`;
      const r = parse(input, "bytes", { maxStanzaBytes: limit });
      expect(conditions(r)).toEqual(["policy-violation"]);
      expect(r.errorAt).toBeGreaterThanOrEqual(bytesOf(prefix) + limit + 1);
      // A multi-byte character is only complete (and counted) with its last byte.
      expect(r.errorAt).toBeLessThanOrEqual(bytesOf(prefix) + limit + 4);
    }
  });

  test("XML-10b: one 10 MB write is rejected after reading about one limit's worth", () => {
    const written: number[] = [];
    const original = StrictSaxes.prototype.write;
    const spy = jest.spyOn(StrictSaxes.prototype, "write").mockImplementation(function (this: StrictSaxes, chunk) {
      written.push(typeof chunk === "string" ? chunk.length : 0);
      return original.call(this, chunk);
    });
    try {
      const big = Buffer.concat([Buffer.from(`${H}${OPEN}`), Buffer.alloc(10 * 1024 * 1024, "a")]);
      const t0 = Date.now();
      const r = parse(big, "one");
      expect(Date.now() - t0).toBeLessThan(3000);
      expect(r.errors).toEqual([expect.objectContaining({ condition: "policy-violation", app: STANZA_TOO_BIG })]);
      const fed = written.reduce((a, b) => a + b, 0);
      expect(fed).toBeLessThanOrEqual(H.length + 262144 + 1);
      expect(Math.max(...written)).toBeLessThanOrEqual(16384);
    } finally {
      spy.mockRestore();
    }
  });

  test("endless markup between stanzas is bounded too: a tag name, an entity name", () => {
    for (const junk of [`<${"a".repeat(5000)}`, `&${"a".repeat(5000)}`, `<${"a".repeat(500)} ${"b".repeat(5000)}`]) {
      for (const mode of ["one", "bytes"] as const) {
        const r = parse(`${H}<presence/>${junk}`, mode, { maxStanzaBytes: limit });
        expect(conditions(r)).toEqual(["policy-violation"]);
      }
    }
  });

  test("an attribute value larger than the stanza limit is rejected while it is read", () => {
    const r = parse(`${H}<message id='${"x".repeat(5000)}`, "bytes", { maxStanzaBytes: limit });
    expect(conditions(r)).toEqual(["policy-violation"]);
    expect(r.errorAt).toBe(H.length + limit + 1);
  });
});

describe("stream header size (XML-11)", () => {
  test("a header of exactly maxHeaderBytes is accepted, one more byte is not", () => {
    const base = "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' id=''>";
    const exact = base.replace("id=''", `id='${"x".repeat(500 - base.length)}'`);
    expect(exact.length).toBe(500);
    for (const mode of ["one", "bytes"] as const) {
      expect(parse(exact, mode, { maxHeaderBytes: 500 }).errors).toEqual([]);
      const over = parse(exact.replace("id='", "id='x"), mode, { maxHeaderBytes: 500 });
      expect(conditions(over)).toEqual(["policy-violation"]);
      if (mode === "bytes") expect(over.errorAt).toBe(501);
    }
  });

  test("a 1 MB attribute in the header is rejected after maxHeaderBytes", () => {
    const input = `<stream:stream xmlns:stream='http://etherx.jabber.org/streams' to='${"a".repeat(1 << 20)}'>`;
    const r = parse(input, "one");
    expect(conditions(r)).toEqual(["policy-violation"]);
    expect(r.header).toBeUndefined();
    const b = parse(input, "bytes");
    expect(b.errorAt).toBe(8193);
  });

  test("10,000 namespace declarations on the header are rejected", () => {
    const decls = Array.from({ length: 10000 }, (_, i) => `xmlns:p${i}='urn:p${i}'`).join(" ");
    for (const mode of ["one", "bytes"] as const) {
      const r = parse(`<stream:stream xmlns:stream='http://etherx.jabber.org/streams' ${decls}>`, mode);
      expect(conditions(r)).toEqual(["policy-violation"]);
      if (mode === "bytes") expect(r.errorAt).toBeLessThan(8193);
    }
  });

  test("whitespace before the header counts towards it", () => {
    const r = parse(`${" ".repeat(9000)}${H}`, "one");
    expect(conditions(r)).toEqual(["policy-violation"]);
  });
});

describe("depth, attributes and element count (XML-12, XML-13)", () => {
  test("maxDepth nested elements are accepted, one more is rejected at its start tag", () => {
    const nest = (n: number) => `<message>${"<a>".repeat(n - 1)}${"</a>".repeat(n - 1)}</message>`;
    expect(parse(`${H}${nest(32)}`).errors).toEqual([]);
    for (const mode of ["one", "bytes"] as const) {
      const r = parse(`${H}${nest(33)}`, mode);
      expect(conditions(r)).toEqual(["policy-violation"]);
      if (mode === "bytes") expect(r.errorAt).toBe(H.length + "<message>".length + 32 * 3);
    }
  });

  test("XML-12: 80,000 nested <a> inside a message are rejected quickly, without stack overflow", () => {
    const input = `${H}<message>${"<a>".repeat(80000)}`;
    const t0 = Date.now();
    const r = parse(input, "one");
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(conditions(r)).toEqual(["policy-violation"]);
  });

  test("maxAttributes attributes are accepted, one more is rejected", () => {
    const attrs = (n: number) => Array.from({ length: n }, (_, i) => `a${i}='${i}'`).join(" ");
    expect(parse(`${H}<message ${attrs(64)}/>`).elements[0].attrs.a63).toBe("63");
    for (const mode of ["one", "bytes"] as const) {
      expect(conditions(parse(`${H}<message ${attrs(65)}/>`, mode))).toEqual(["policy-violation"]);
      expect(conditions(parse(`${H}<message ${attrs(10000)}/>`, mode))).toEqual(["policy-violation"]);
    }
  });

  test("maxElements per stanza: exactly the limit passes, 50,000 empty children do not", () => {
    expect(parse(`${H}<iq>${"<a/>".repeat(9999)}</iq>`).elements).toHaveLength(1);
    expect(conditions(parse(`${H}<iq>${"<a/>".repeat(10000)}</iq>`))).toEqual(["policy-violation"]);
    expect(conditions(parse(`${H}<iq>${"<a/>".repeat(50000)}</iq>`))).toEqual(["policy-violation"]);
  });

  test("XML-13: one 200 KB attribute value parses (in linear time)", () => {
    const v = "v".repeat(200000);
    const t0 = Date.now();
    const r = parse(`${H}<message id='${v}'/>`, randomSplits(`${H}<message id='${v}'/>`, 5));
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(r.errors).toEqual([]);
    expect(r.elements[0].attrs.id).toBe(v);
  });
});

describe("text size", () => {
  test("maxTextBytes bounds one text node, counting merged CDATA, not the sum over elements", () => {
    const lim = { maxTextBytes: 100 };
    expect(parse(`${H}<message><body>${"é".repeat(50)}</body></message>`, "one", lim).errors).toEqual([]);
    expect(conditions(parse(`${H}<message><body>${"é".repeat(50)}a</body></message>`, "one", lim))).toEqual(["policy-violation"]);
    expect(conditions(parse(`${H}<message><body>${"a".repeat(60)}<![CDATA[${"b".repeat(41)}]]></body></message>`, "one", lim))).toEqual([
      "policy-violation",
    ]);
    expect(parse(`${H}<message><body>${"a".repeat(60)}</body><subject>${"a".repeat(60)}</subject></message>`, "one", lim).errors).toEqual([]);
    expect(parse(`${H}<message>${"a".repeat(60)}<x/>${"a".repeat(60)}</message>`, "one", lim).errors).toEqual([]);
  });
});

describe("setLimits (XML-14)", () => {
  test("pre-auth limits reject a 9 KB element and a 40-element <auth/>, relaxed limits accept them", () => {
    const preAuth = { maxStanzaBytes: 8192, maxElements: 32 };
    const nine = `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${"A".repeat(9000)}</auth>`;
    const wide = `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>${"<x/>".repeat(39)}</auth>`;
    for (const bad of [nine, wide]) {
      const { rec, handler } = recorder();
      const p = new XmlStreamParser(handler);
      p.setLimits(preAuth);
      p.write(Buffer.from(H + bad));
      expect(conditions(rec)).toEqual(["policy-violation"]);
    }
    const { rec, handler } = recorder();
    const p = new XmlStreamParser(handler, preAuth);
    p.write(Buffer.from(`${H}<presence/>`));
    p.setLimits({ maxStanzaBytes: 262144, maxElements: 10000 });
    p.write(Buffer.from(nine + wide));
    expect(rec.errors).toEqual([]);
    expect(rec.elements).toHaveLength(3);
  });

  test("maxTextBytes follows maxStanzaBytes unless set explicitly; bad values throw", () => {
    const p = new XmlStreamParser(recorder().handler, { maxStanzaBytes: 5000 });
    expect(p.currentLimits.maxTextBytes).toBe(5000);
    p.setLimits({ maxStanzaBytes: 9000 });
    expect(p.currentLimits.maxTextBytes).toBe(9000);
    p.setLimits({ maxTextBytes: 100 });
    p.setLimits({ maxStanzaBytes: 20000 });
    expect(p.currentLimits).toMatchObject({ maxStanzaBytes: 20000, maxTextBytes: 100, maxDepth: 32, maxAttributes: 64 });
    expect(() => p.setLimits({ maxDepth: 0 })).toThrow(RangeError);
    expect(() => p.setLimits({ maxStanzaBytes: NaN })).toThrow(RangeError);
  });
});

describe("linear time (XML-15)", () => {
  test("200 KB of text in 4-byte writes", () => {
    const input = `${H}<message><body>${"x".repeat(200000)}</body></message>`;
    const offsets = Array.from({ length: Math.ceil(input.length / 4) }, (_, i) => i * 4);
    const t0 = process.hrtime.bigint();
    const r = parse(input, offsets);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    expect(r.errors).toEqual([]);
    expect(r.elements).toHaveLength(1);
    // ~50k writes; a parser that re-concatenates its buffer per write needs many seconds here.
    expect(ms).toBeLessThan(1500);
  });
});
