/**
 * reliability.md §7.1 rows that concern the parser layer. Every case runs twice, as one write and
 * byte by byte, and must report exactly one error with exactly the expected condition, the same
 * way in both runs.
 */
import type { StreamErrorCondition } from "../errors";
import { HEADER_C2S as H, parse } from "./test-support/harness";

interface Case {
  name: string;
  input: string | Buffer;
  condition: StreamErrorCondition;
  /** Nothing may have been emitted before the error, beyond the header. */
  emitted?: number;
  /** With byte-by-byte input the error must come no later than this byte offset (1-based). */
  by?: number;
}

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");
const bytes = (...parts: (string | Buffer)[]) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : p)));

const LAUGHS =
  "<!DOCTYPE lolz [<!ENTITY lol \"lol\">" +
  Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? "" : i};`.repeat(10)}">`).join("") +
  "]>";

const cases: Case[] = [
  // XML-01 billion laughs: rejected at the DOCTYPE's first letter, long before any entity.
  { name: "XML-01 DTD before the header", input: `<?xml version='1.0'?>${LAUGHS}<stream:stream>&lol9;`, condition: "restricted-xml", by: 24 },
  { name: "XML-01 DTD inside a stanza", input: `${H}<message>${LAUGHS}&lol9;</message>`, condition: "restricted-xml", by: H.length + 12 },
  { name: "XML-01 DTD between stanzas", input: `${H}<presence/>${LAUGHS}`, condition: "restricted-xml", emitted: 1 },
  // XML-02 XXE
  { name: "XML-02 external entity (file)", input: `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${H}&e;`, condition: "restricted-xml", by: 3 },
  { name: "XML-02 external entity (http)", input: `${H}<iq><!DOCTYPE x [<!ENTITY e SYSTEM "http://127.0.0.1:9/">]>&e;</iq>`, condition: "restricted-xml" },
  { name: "XML-02 bare ENTITY declaration", input: `${H}<!ENTITY e "x">`, condition: "restricted-xml" },
  // XML-03 comments, PIs, late XML declarations
  { name: "XML-03 comment inside a stanza", input: `${H}<message><!-- x --></message>`, condition: "restricted-xml", by: H.length + 12 },
  { name: "XML-03 comment between stanzas", input: `${H}<!-- x -->`, condition: "restricted-xml" },
  { name: "XML-03 comment before the header", input: `<!-- x -->${H}`, condition: "restricted-xml", emitted: 0 },
  { name: "XML-03 PI inside a stanza", input: `${H}<message><?php x?></message>`, condition: "restricted-xml", by: H.length + 11 },
  { name: "XML-03 PI as first thing", input: `<?php x?>${H}`, condition: "restricted-xml" },
  { name: "XML-03 PI after the declaration", input: `<?xml version='1.0'?><?php x?><stream:stream>`, condition: "restricted-xml" },
  { name: "XML-03 XML declaration mid-stream", input: `${H}<presence/><?xml version='1.0'?>`, condition: "restricted-xml", emitted: 1 },
  { name: "XML-03 XML declaration after whitespace", input: ` <?xml version='1.0'?>${H.slice(21)}`, condition: "restricted-xml" },
  // XML-04 entities and characters
  { name: "XML-04 undefined entity &foo;", input: `${H}<message><body>&foo;</body></message>`, condition: "restricted-xml" },
  { name: "XML-04 HTML entity &nbsp; in an attribute", input: `${H}<message to='a&nbsp;b'/>`, condition: "restricted-xml" },
  { name: "XML-04 &#0;", input: `${H}<message><body>&#0;</body></message>`, condition: "not-well-formed" },
  { name: "XML-04 &#xD800;", input: `${H}<message><body>&#xD800;</body></message>`, condition: "not-well-formed" },
  { name: "XML-04 &#x110000;", input: `${H}<message><body>&#x110000;</body></message>`, condition: "not-well-formed" },
  { name: "XML-04 &#xFFFE;", input: `${H}<message><body>&#xFFFE;</body></message>`, condition: "not-well-formed" },
  { name: "XML-04 &#1; in an attribute", input: `${H}<message id='&#1;'/>`, condition: "not-well-formed" },
  { name: "XML-04 &#X41; (uppercase X)", input: `${H}<message><body>&#X41;</body></message>`, condition: "not-well-formed" },
  { name: "XML-04 raw NUL in text", input: bytes(H, "<message><body>a", hex("00"), "</body></message>"), condition: "not-well-formed" },
  { name: "XML-04 raw 0x01 in text", input: bytes(H, "<message><body>", hex("01"), "</body></message>"), condition: "not-well-formed" },
  { name: "XML-04 raw 0x08 in an attribute", input: bytes(H, "<message id='", hex("08"), "'/>"), condition: "not-well-formed" },
  { name: "XML-04 raw 0x0B in text", input: bytes(H, "<message><body>", hex("0b"), "</body></message>"), condition: "not-well-formed" },
  { name: "XML-04 raw 0x1F in an attribute", input: bytes(H, "<message id='", hex("1f"), "'/>"), condition: "not-well-formed" },
  { name: "XML-04 raw U+FFFE", input: bytes(H, "<message><body>", hex("efbfbe"), "</body></message>"), condition: "not-well-formed" },
  { name: "XML-04 bare & with no ;", input: `${H}<message><body>fish & chips</body></message>`, condition: "not-well-formed" },
  { name: "XML-04 bare & with a later ;", input: `${H}<message><body>a & b;</body></message>`, condition: "not-well-formed" },
  { name: "XML-04 empty entity &;", input: `${H}<message><body>&;</body></message>`, condition: "not-well-formed" },
  { name: "XML-04 ]]> in text", input: `${H}<message><body>a]]>b</body></message>`, condition: "not-well-formed" },
  // XML-05 end tags
  { name: "XML-05 mismatched end tag", input: `${H}<message><body></message>`, condition: "not-well-formed", emitted: 0 },
  { name: "XML-05 end tag of a parent", input: `${H}<message></body>`, condition: "not-well-formed", emitted: 0 },
  { name: "XML-05 stray end tag between stanzas", input: `${H}</foo>`, condition: "not-well-formed" },
  { name: "XML-05 stray </stream> (wrong qname)", input: `${H}</stream>`, condition: "not-well-formed" },
  { name: "XML-05 end tag before the header", input: "</stream:stream>", condition: "not-well-formed" },
  // XML-06 duplicate attributes
  { name: "XML-06 duplicate to", input: `${H}<message to='alice@x' to='eve@y'/>`, condition: "not-well-formed", emitted: 0 },
  { name: "XML-06 duplicate id", input: `${H}<iq id='1' id='2'/>`, condition: "not-well-formed" },
  { name: "XML-06 duplicate xmlns", input: `${H}<iq xmlns='jabber:client' xmlns='jabber:server'/>`, condition: "not-well-formed" },
  { name: "XML-06 duplicate expanded name", input: `${H}<x xmlns:a='urn:u' xmlns:b='urn:u' a:y='1' b:y='2'/>`, condition: "not-well-formed" },
  { name: "XML-06 duplicate attribute on the header", input: "<stream:stream to='a' to='b'>", condition: "not-well-formed" },
  // XML-07 illegal names and syntax
  { name: "XML-07 <a<b/>", input: `${H}<a<b/>`, condition: "not-well-formed" },
  { name: "XML-07 quote in an attribute name", input: `${H}<message x"y='1'/>`, condition: "not-well-formed" },
  { name: "XML-07 attribute without value", input: `${H}<message foo>`, condition: "not-well-formed" },
  { name: "XML-07 unquoted value", input: `${H}<message to=a/>`, condition: "not-well-formed" },
  { name: "XML-07 = without name", input: `${H}<message ='x'/>`, condition: "not-well-formed" },
  { name: "XML-07 < in an attribute value", input: `${H}<message to='<x/>'/>`, condition: "not-well-formed" },
  { name: "XML-07 name starting with a digit", input: `${H}<1message/>`, condition: "not-well-formed" },
  { name: "XML-07 two colons in a name", input: `${H}<a:b:c xmlns:a='urn:a'/>`, condition: "not-well-formed" },
  { name: "XML-07 local part starting with a digit", input: `${H}<a:1b xmlns:a='urn:a'/>`, condition: "not-well-formed" },
  { name: "XML-07 empty prefix", input: `${H}<:message/>`, condition: "not-well-formed" },
  { name: "XML-07 xmlns as element prefix", input: `${H}<xmlns:x/>`, condition: "not-well-formed" },
  { name: "XML-07 <! junk", input: `${H}<message><![CDATX[x]]></message>`, condition: "not-well-formed" },
  // XML-09 encodings
  { name: "XML-09 overlong C0 AF", input: bytes(H, "<message><body>", hex("c0af"), "</body></message>"), condition: "not-well-formed" },
  { name: "XML-09 lone continuation byte", input: bytes(H, "<message><body>", hex("80"), "</body></message>"), condition: "not-well-formed" },
  { name: "XML-09 5-byte form", input: bytes(H, "<message><body>", hex("f888808080"), "</body></message>"), condition: "not-well-formed" },
  { name: "XML-09 UTF-8 encoded surrogate", input: bytes(H, "<message><body>", hex("eda080"), "</body></message>"), condition: "not-well-formed" },
  { name: "XML-09 invalid byte in the header", input: bytes("<stream:stream to='", hex("ff"), "'>"), condition: "not-well-formed" },
  { name: "XML-09 UTF-16LE with BOM", input: bytes(hex("fffe"), Buffer.from(H, "utf16le")), condition: "unsupported-encoding", by: 1 },
  { name: "XML-09 UTF-16BE with BOM", input: bytes(hex("feff"), Buffer.from(H, "utf16le").swap16()), condition: "unsupported-encoding", by: 1 },
  { name: "XML-09 UTF-16LE without BOM", input: Buffer.from(H, "utf16le"), condition: "unsupported-encoding", by: 2 },
  { name: "XML-09 UTF-16BE without BOM", input: Buffer.from(H, "utf16le").swap16(), condition: "unsupported-encoding", by: 1 },
  { name: "XML-09 encoding='ISO-8859-1'", input: `<?xml version='1.0' encoding='ISO-8859-1'?><stream:stream>`, condition: "unsupported-encoding" },
  { name: "XML-09 encoding='UTF-16'", input: `<?xml version='1.0' encoding='UTF-16'?><stream:stream>`, condition: "unsupported-encoding" },
  { name: "XML-09 XML 1.1 declaration", input: `<?xml version='1.1'?><stream:stream>`, condition: "not-well-formed" },
  // Namespaces (RFC 6120 §4.9.3.2, Namespaces in XML)
  { name: "unbound element prefix in a stanza", input: `${H}<x:message/>`, condition: "bad-namespace-prefix", emitted: 0 },
  { name: "unbound attribute prefix", input: `${H}<message x:to='a'/>`, condition: "bad-namespace-prefix" },
  { name: "unbound stream prefix on the header", input: "<stream:stream xmlns='jabber:client'>", condition: "bad-namespace-prefix" },
  { name: "prefix bound on a sibling is not in scope", input: `${H}<a xmlns:p='urn:p'/><p:b/>`, condition: "bad-namespace-prefix", emitted: 1 },
  { name: "undeclaring a prefix", input: `${H}<a xmlns:p=''/>`, condition: "not-well-formed" },
  { name: "binding the xml prefix elsewhere", input: `${H}<a xmlns:xml='urn:x'/>`, condition: "not-well-formed" },
  { name: "binding the XML namespace to another prefix", input: `${H}<a xmlns:x='http://www.w3.org/XML/1998/namespace'/>`, condition: "not-well-formed" },
  { name: "declaring xmlns:xmlns", input: `${H}<a xmlns:xmlns='urn:x'/>`, condition: "not-well-formed" },
  { name: "default namespace set to the xmlns namespace", input: `${H}<a xmlns='http://www.w3.org/2000/xmlns/'/>`, condition: "not-well-formed" },
  { name: "empty declared prefix (xmlns:)", input: `${H}<a xmlns:='urn:x'/>`, condition: "not-well-formed" },
  // Stream-level structure
  { name: "text before the header", input: `hello${H}`, condition: "not-well-formed" },
  { name: "CDATA before the header", input: `<![CDATA[x]]>${H}`, condition: "not-well-formed" },
  { name: "text between stanzas", input: `${H}<presence/>hello<presence/>`, condition: "not-well-formed", emitted: 1 },
  { name: "entity between stanzas", input: `${H}<presence/>&amp;<presence/>`, condition: "not-well-formed", emitted: 1 },
  { name: "CDATA between stanzas", input: `${H}<presence/><![CDATA[ ]]>`, condition: "not-well-formed", emitted: 1 },
  // XML-18: restarts happen only through reset(); a nested header is rejected at its open tag.
  { name: "XML-18 second stream header without restart", input: `${H}<presence/>${H.slice(21)}<message/>`, condition: "unsupported-stanza-type", emitted: 1 },
  { name: "XML-18 prefixed-differently second header", input: `${H}<s:stream xmlns:s='http://etherx.jabber.org/streams'>`, condition: "unsupported-stanza-type" },
];

function check(r: ReturnType<typeof parse>, c: Case, mode: string): void {
  expect({ mode, errors: r.errors.map((e) => e.condition) }).toEqual({ mode, errors: [c.condition] });
  expect(typeof r.errors[0].text).toBe("string");
  expect(r.parser.failed).toBe(true);
  if (c.emitted !== undefined) expect(r.elements).toHaveLength(c.emitted);
  expect(r.ended).toBe(false);
}

describe.each(cases)("$name", (c) => {
  test("one write and byte by byte report the same single condition", () => {
    const one = parse(c.input, "one");
    check(one, c, "one");
    const bytewise = parse(c.input, "bytes");
    check(bytewise, c, "bytes");
    expect(bytewise.log).toEqual(one.log);
    if (c.by !== undefined) expect(bytewise.errorAt).toBeLessThanOrEqual(c.by);
    // Dead after the error: more input changes nothing and is not reported again.
    one.parser.write(Buffer.from("<presence/>"));
    one.parser.end();
    expect(one.errors).toHaveLength(1);
  });
});

// Sanity check of the table itself: the same inputs without the fault must parse cleanly, so every
// case above fails for the reason it names.
describe("control inputs parse cleanly", () => {
  test.each([
    ["declaration with standalone='yes'", `<?xml version='1.0' encoding='UTF-8' standalone='yes'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams'>`],
    ["UTF-8 BOM before the declaration", bytes(hex("efbbbf"), H)],
    ["predefined entities and char refs", `${H}<message to='a&amp;b&#9;c'><body>&lt;&gt;&amp;&quot;&apos;&#233;&#x1F600;&#xD;</body></message>`],
    ["CDATA inside a stanza", `${H}<message><body><![CDATA[<not-a-tag> & ]] ]]></body></message>`],
    ["prefixed stanza", `${H}<c:message xmlns:c='jabber:client'><c:body>x</c:body></c:message>`],
    ["whitespace keepalives", `${H} \n\t\r\n <presence/>  \n <presence/> `],
  ])("%s", (_n, input) => {
    for (const mode of ["one", "bytes"] as const) {
      const r = parse(input, mode);
      expect(r.errors).toEqual([]);
      expect(r.header).toBeDefined();
    }
  });
});
