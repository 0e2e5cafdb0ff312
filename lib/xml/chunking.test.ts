/**
 * Chunk independence: however the bytes of a stream are split into writes (inside tags, attribute
 * values, entities, CDATA, CRLF pairs, multi-byte UTF-8 characters, the BOM), the parser reports
 * exactly what it reports for one write.
 */
import { corpus } from "./test-support/corpus";
import { HEADER_C2S as H, parse, randInt, rng } from "./test-support/harness";

const RICH = Buffer.concat([
  Buffer.from([0xef, 0xbb, 0xbf]),
  Buffer.from(
    `${H}\r\n` +
      `<message to='jüliet@example.com/balcony' id='a&amp;b&#9;c' type="chat" xml:lang='de'>` +
      `<body>Grüße 😀 &lt;tag&gt; &amp;&#233;&#x1F600; 日本語\r\nline2\rline3</body>` +
      `<html xmlns='http://jabber.org/protocol/xhtml-im'><body xmlns='http://www.w3.org/1999/xhtml'>` +
      `<p style='font-weight:bold'>x<![CDATA[ <raw> & ]] ]]>y</p></body></html>` +
      `<c:delay xmlns:c='urn:xmpp:delay' c:stamp='2002-09-10T23:08:25Z' from='a\tb\nc'/></message> \n ` +
      `<c:presence xmlns:c='jabber:client'><c:show>away</c:show><c:status>ελληνικά</c:status></c:presence>` +
      `<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>\t` +
      `<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-256</mechanism></mechanisms></stream:features>` +
      `</stream:stream>`,
  ),
]);

describe("chunk independence", () => {
  const reference = parse(RICH);

  test("the reference stream parses cleanly", () => {
    expect(reference.errors).toEqual([]);
    expect(reference.elements).toHaveLength(4);
    expect(reference.ended).toBe(true);
    const [msg, presence] = reference.elements;
    expect(msg.attrs).toEqual({ xmlns: "jabber:client", to: "jüliet@example.com/balcony", id: "a&b\tc", type: "chat", "xml:lang": "de" });
    expect(msg.children[0]).toMatchObject({ name: "body", children: ["Grüße 😀 <tag> &é😀 日本語\nline2\nline3"] });
    expect(presence.attrs).toEqual({ xmlns: "jabber:client" });
  });

  test("every 2-way split point gives the one-write result", () => {
    for (let i = 1; i < RICH.length; i++) {
      const r = parse(RICH, [i]);
      if (r.log.join("\n") !== reference.log.join("\n")) expect({ split: i, log: r.log }).toEqual({ split: i, log: reference.log });
    }
  });

  test("byte by byte gives the one-write result", () => {
    expect(parse(RICH, "bytes").log).toEqual(reference.log);
  });

  test("500 random 3- to 8-way splits give the one-write result", () => {
    const r = rng(1234);
    for (let k = 0; k < 500; k++) {
      const cuts = Array.from({ length: randInt(r, 2, 7) }, () => randInt(r, 1, RICH.length - 1));
      const got = parse(RICH, cuts);
      if (got.log.join("\n") !== reference.log.join("\n")) expect({ cuts, log: got.log }).toEqual({ cuts, log: reference.log });
    }
  });

  test("a realistic 200-stanza stream in random small and large chunks", () => {
    const input = Buffer.from(corpus(rng(99), 200));
    const ref = parse(input);
    expect(ref.errors).toEqual([]);
    expect(ref.elements).toHaveLength(200);
    const r = rng(5);
    for (const [lo, hi] of [
      [1, 8],
      [1, 64],
      [1, 4096],
      [1000, 20000],
    ]) {
      for (let k = 0; k < 5; k++) {
        const cuts: number[] = [];
        for (let off = randInt(r, lo, hi); off < input.length; off += randInt(r, lo, hi)) cuts.push(off);
        expect(parse(input, cuts).log).toEqual(ref.log);
      }
    }
    expect(parse(input, "bytes").log).toEqual(ref.log);
  });
});
