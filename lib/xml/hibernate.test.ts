/**
 * XmlStreamParser.hibernate(): an idle parser frees its SAX state and rebuilds it on the next
 * write. Whatever the input and wherever it sleeps, what it reports must be exactly what a parser
 * that never slept reports.
 */
import { XmlStreamParser, type ParserLimits } from "./parser";
import { corpus } from "./test-support/corpus";
import { HEADER_C2S as H, chunksOf, parse, randInt, recorder, rng, type Chunking } from "./test-support/harness";

/** Like parse(), but tries to hibernate after every write; counts how often it actually slept. */
function parseSleepy(input: string | Buffer, chunking: Chunking, limits?: Partial<ParserLimits>, end = false) {
  const { rec, handler } = recorder();
  const parser = new XmlStreamParser(handler, limits);
  let slept = 0;
  for (const c of chunksOf(input, chunking)) {
    rec.fed += c.length;
    parser.write(c);
    if (parser.failed) break;
    if (parser.hibernate()) slept++;
  }
  if (end) parser.end();
  return { ...rec, slept, parser };
}

function randomCuts(len: number, seed: number, n: number): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => randInt(r, 1, len - 1));
}

describe("hibernation is invisible", () => {
  const cases: [string, string][] = [
    ["a realistic stream", corpus(rng(7), 60)],
    ["keepalives between stanzas", `${H}<presence/> \n <message to='a@b'><body>x</body></message>\n\n<iq type='get' id='1'/>`],
    ["multi-byte text split anywhere", `${H}<message><body>héllo 😀 мир</body></message><message><body>ünïcödé</body></message>`],
    ["a prefixed root and prefixed stanzas", "<s:stream xmlns:s='http://etherx.jabber.org/streams' xmlns:c='jabber:client'><c:message/> <c:presence/></s:stream>"],
    ["the closing tag after a sleep", `${H}<presence/>\n</stream:stream><message/>`],
    ["a wrong closing tag after a sleep", `${H}<presence/></stream:foo>`],
    ["text between stanzas after a sleep", `${H}<presence/>oops<presence/>`],
    ["an XML declaration after a sleep", `${H}<presence/><?xml version='1.0'?>`],
    ["an entity between stanzas after a sleep", `${H}<presence/>&amp;`],
    ["invalid UTF-8 after a sleep", Buffer.concat([Buffer.from(`${H}<presence/>`), Buffer.from([0xc3, 0x28])]).toString("latin1")],
  ];

  for (const [name, text] of cases) {
    const input = name.startsWith("invalid UTF-8") ? Buffer.from(text, "latin1") : Buffer.from(text);
    const chunkings: [string, Chunking][] = [
      ["byte by byte", "bytes"],
      ["random cuts", randomCuts(input.length, input.length, 12)],
      ["one write per stanza boundary", [...input.toString("latin1").matchAll(/>/g)].map((m) => m.index + 1)],
    ];
    for (const [how, chunking] of chunkings) {
      test(`${name}, ${how}`, () => {
        const awake = parse(input, chunking, undefined, { end: true });
        const sleepy = parseSleepy(input, chunking, undefined, true);
        expect(sleepy.log).toEqual(awake.log);
        expect(sleepy.errorAt).toEqual(awake.errorAt);
        // The comparison above means something only if the parser did sleep (random cuts of a
        // short input may never fall between two stanzas).
        if (how !== "random cuts") expect(sleepy.slept).toBeGreaterThan(0);
      });
    }
  }

  test("size limits count from the wake-up exactly as without sleeping", () => {
    const limits = { maxStanzaBytes: 40 };
    for (const body of ["x".repeat(10), "x".repeat(11), "x".repeat(12)]) {
      // `<message><body>…</body></message>` is 33 bytes + the body: 40 is the largest accepted.
      const input = `${H}<presence/>  <message><body>${body}</body></message>`;
      const awake = parse(input, "bytes", limits);
      const sleepy = parseSleepy(input, "bytes", limits);
      expect(sleepy.log).toEqual(awake.log);
      expect(sleepy.errorAt).toEqual(awake.errorAt);
    }
    expect(parse(`${H}<message><body>${"x".repeat(8)}</body></message>`, "one", limits).errors).toEqual([]);
    expect(parse(`${H}<message><body>${"x".repeat(9)}</body></message>`, "one", limits).errors.map((e) => e.condition)).toEqual([
      "policy-violation",
    ]);
  });
});

describe("when a parser may sleep", () => {
  test("only between stanzas, after the header, with no partial input", () => {
    const { handler } = recorder();
    const p = new XmlStreamParser(handler);
    expect(p.hibernate()).toBe(false); // before the header
    p.write(Buffer.from(H.slice(0, 20)));
    expect(p.hibernate()).toBe(false); // inside the header
    p.write(Buffer.from(H.slice(20)));
    expect(p.hibernate()).toBe(true);
    expect(p.hibernating).toBe(true);
    p.write(Buffer.from("<message><bo"));
    expect(p.hibernating).toBe(false);
    expect(p.hibernate()).toBe(false); // inside a stanza
    p.write(Buffer.from("dy/></message><pres"));
    expect(p.hibernate()).toBe(false); // inside a tag
    p.write(Buffer.from("ence/>"));
    p.write(Buffer.from([0xc3]));
    expect(p.hibernate()).toBe(false); // inside a UTF-8 sequence
  });

  test("reset() after a sleep expects a fresh header", () => {
    const { rec, handler } = recorder();
    const p = new XmlStreamParser(handler);
    p.write(Buffer.from(`${H}<presence/>`));
    expect(p.hibernate()).toBe(true);
    p.reset();
    p.write(Buffer.from(`${H}<message/>`));
    expect(rec.errors).toEqual([]);
    expect(rec.log.map((l) => l.split(" ")[0])).toEqual(["start", "el", "start", "el"]);
  });

  test("end() while asleep is a clean end of input", () => {
    const { rec, handler } = recorder();
    const p = new XmlStreamParser(handler);
    p.write(Buffer.from(`${H}<presence/>`));
    expect(p.hibernate()).toBe(true);
    p.end();
    expect(rec.errors).toEqual([]);
  });
});
