/** XmlStreamParser: the API contract and the shape of what it emits. */
import type { Element } from "ltx";
import { NS } from "./ns";
import { XmlStreamParser, type XmlStreamHandler } from "./parser";
import { serialize } from "./serialize";
import { findChild, getText, nsOf } from "./element";
import { HEADER_C2S as H, parse, recorder } from "./test-support/harness";

const only = (input: string) => {
  const r = parse(input);
  expect(r.errors).toEqual([]);
  return r;
};
const first = (input: string): Element => {
  const r = only(input);
  expect(r.elements).toHaveLength(1);
  return r.elements[0];
};

describe("stream header", () => {
  test("reports name, namespace, attributes, default namespace and prefixes", () => {
    const r = only(
      "<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' " +
        "xmlns:db='jabber:server:dialback' from='a.example' to='b.example' version='1.0' xml:lang='en' id='abc'>",
    );
    expect(r.header).toEqual({
      name: "stream",
      ns: NS.STREAM,
      attrs: { from: "a.example", to: "b.example", version: "1.0", "xml:lang": "en", id: "abc" },
      defaultNs: "jabber:server",
      prefixes: { stream: NS.STREAM, db: NS.DIALBACK },
    });
  });

  test("a header without xmlns has defaultNs undefined and stanzas in no namespace", () => {
    const r = only("<stream:stream xmlns:stream='http://etherx.jabber.org/streams'><message/>");
    expect(r.header?.defaultNs).toBeUndefined();
    expect(r.elements[0].attrs).toEqual({ xmlns: "" });
  });

  test("the root namespace is reported as resolved, not judged (the stream layer sends invalid-namespace)", () => {
    const r = only("<stream:stream xmlns:stream='urn:wrong' xmlns='jabber:client'>");
    expect(r.header).toMatchObject({ name: "stream", ns: "urn:wrong" });
    const r2 = only("<stream xmlns='http://etherx.jabber.org/streams'>");
    expect(r2.header).toMatchObject({ name: "stream", ns: NS.STREAM, defaultNs: NS.STREAM, prefixes: {} });
  });

  test("prefixed non-declaration header attributes are kept by qualified name", () => {
    const r = only("<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns:x='urn:x' x:y='1' to='a'>");
    expect(r.header?.attrs).toEqual({ "x:y": "1", to: "a" });
  });

  test("streamStart fires as soon as the open tag is complete", () => {
    const { rec, handler } = recorder();
    const p = new XmlStreamParser(handler);
    p.write(Buffer.from(H.slice(0, -1)));
    expect(rec.header).toBeUndefined();
    p.write(Buffer.from(">"));
    expect(rec.header).toBeDefined();
  });
});

describe("element shape", () => {
  test("top-level elements carry their resolved namespace and local name", () => {
    const r = only(
      `${H}<message to='juliet@example.com' type='chat'><body>hi</body></message>` +
        `<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>` +
        `<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>` +
        `<stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>`,
    );
    const [msg, features, starttls, error] = r.elements;
    expect(msg.name).toBe("message");
    expect(msg.attrs).toEqual({ xmlns: NS.CLIENT, to: "juliet@example.com", type: "chat" });
    expect((msg.children[0] as Element).attrs).toEqual({});
    expect(features.name).toBe("features");
    expect(features.attrs).toEqual({ xmlns: NS.STREAM });
    expect(findChild(features, "starttls", NS.TLS)?.attrs).toEqual({ xmlns: NS.TLS });
    expect(starttls.attrs).toEqual({ xmlns: NS.TLS });
    expect(error.name).toBe("error");
    expect(serialize(error)).toBe(
      "<error xmlns='http://etherx.jabber.org/streams'><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></error>",
    );
  });

  test("emitted elements have no parent and children link to their parent", () => {
    const msg = first(`${H}<message><body>x</body></message>`);
    expect(msg.parent).toBeNull();
    expect((msg.children[0] as Element).parent).toBe(msg);
  });

  test("XML-20: a prefixed stanza is emitted exactly like an unprefixed one", () => {
    const a = first(`${H}<c:message xmlns:c='jabber:client' to='x@y'><c:body>hi</c:body></c:message>`);
    const b = first(`${H}<message to='x@y'><body>hi</body></message>`);
    expect(serialize(a)).toBe(serialize(b));
    expect(a.attrs).toEqual({ xmlns: NS.CLIENT, to: "x@y" });
  });

  test("XML-20: foreign namespaces are reported faithfully for the router to judge", () => {
    const r = only(`${H}<foo xmlns='urn:x'/><message xmlns='jabber:server'/>`);
    expect(r.elements.map((e) => [e.name, e.attrs.xmlns])).toEqual([
      ["foo", "urn:x"],
      ["message", NS.SERVER],
    ]);
  });

  test("XML-21: a declared but unused prefix does not change an element's namespace", () => {
    const used = first(`${H}<iq type='get'><q:query xmlns:q='jabber:iq:roster'/></iq>`);
    const unused = first(`${H}<iq type='get'><query xmlns:q='jabber:iq:roster'/></iq>`);
    expect(findChild(used, "query", NS.ROSTER)).toBeDefined();
    expect(findChild(unused, "query", NS.ROSTER)).toBeUndefined();
    const q = findChild(unused, "query")!;
    expect(nsOf(q)).toBe(NS.CLIENT);
    expect(q.attrs).toEqual({});
    expect(serialize(used)).toBe("<iq xmlns='jabber:client' type='get'><query xmlns='jabber:iq:roster'/></iq>");
  });

  test("children carry xmlns exactly where the namespace changes", () => {
    const e = first(`${H}<a xmlns='urn:1'><b><c xmlns='urn:2'><d/></c><e xmlns='urn:1'/></b></a>`);
    expect(serialize(e)).toBe("<a xmlns='urn:1'><b><c xmlns='urn:2'><d/></c><e/></b></a>");
  });

  test("xmlns='' (no namespace) on a child is kept and honoured", () => {
    const e = first(`${H}<message><x xmlns=''/></message>`);
    const x = e.children[0] as Element;
    expect(x.attrs).toEqual({ xmlns: "" });
    expect(nsOf(x)).toBe("");
    expect(serialize(e)).toBe("<message xmlns='jabber:client'><x xmlns=''/></message>");
  });

  test("prefixed attributes keep their prefix and get its declaration; xml:lang stays as is", () => {
    const e = first(`${H}<message xmlns:x='urn:x' x:a='1' xml:lang='de'><x:b x:c='2'/></message>`);
    expect(e.attrs).toEqual({ xmlns: NS.CLIENT, "x:a": "1", "xmlns:x": "urn:x", "xml:lang": "de" });
    expect((e.children[0] as Element).attrs).toEqual({ xmlns: "urn:x", "x:c": "2", "xmlns:x": "urn:x" });
  });

  test("text is entity-decoded, CRLF becomes LF, CDATA merges with adjacent text", () => {
    const e = first(`${H}<message><body>a &amp; b &lt;c&gt; &#233;&#x1F600;\r\nx<![CDATA[<y> & ]]>z</body></message>`);
    const body = e.children[0] as Element;
    expect(body.children).toEqual(["a & b <c> é😀\nx<y> & z"]);
    expect(getText(body)).toBe("a & b <c> é😀\nx<y> & z");
  });

  test("attribute values are normalized: literal TAB/LF/CRLF become spaces, references survive", () => {
    const e = first(`${H}<message a='x\ty\nz\r\nw' b='&#9;&#10;&#13;&quot;&apos;'/>`);
    expect(e.attrs.a).toBe("x y z w");
    expect(e.attrs.b).toBe("\t\n\r\"'");
  });

  test("mixed content keeps text around children in order", () => {
    const e = first(`${H}<message><body>a<b/>c<d/>e</body></message>`);
    const body = e.children[0] as Element;
    expect(body.children.map((c) => (typeof c === "string" ? c : `<${c.name}>`))).toEqual(["a", "<b>", "c", "<d>", "e"]);
  });

  test("XML-24: attributes named like Object.prototype members are ordinary attributes", () => {
    const e = first(`${H}<message __proto__='p' constructor='c' toString='t' hasOwnProperty='h' id='__proto__'/>`);
    expect(Object.keys(e.attrs)).toEqual(["xmlns", "__proto__", "constructor", "toString", "hasOwnProperty", "id"]);
    expect(Object.getPrototypeOf(e.attrs)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(e.attrs, "__proto__")?.value).toBe("p");
    expect(serialize(e)).toBe(
      "<message xmlns='jabber:client' __proto__='p' constructor='c' toString='t' hasOwnProperty='h' id='__proto__'/>",
    );
    expect(({} as Record<string, unknown>).toString).toBe(Object.prototype.toString);
  });
});

describe("stream lifecycle", () => {
  test("XML-23: whitespace keepalives between stanzas are ignored, however many", () => {
    const { rec, handler } = recorder();
    const p = new XmlStreamParser(handler, { maxStanzaBytes: 1024 });
    p.write(Buffer.from(H));
    for (let i = 0; i < 20000; i++) p.write(Buffer.from(i % 2 ? " " : "\n"));
    p.write(Buffer.from("<presence/>\r\n\t <presence/>"));
    expect(rec.errors).toEqual([]);
    expect(rec.elements).toHaveLength(2);
  });

  test("XML-23: nothing after </stream:stream> is processed, not even garbage", () => {
    const r = parse(`${H}<presence/></stream:stream><message/>&bogus;<<<`, "one", undefined, { end: true });
    expect(r.log.slice(1)).toEqual(["el <presence xmlns='jabber:client'/>", "end"]);
    expect(r.errors).toEqual([]);
    expect(r.parser.failed).toBe(false);
  });

  test("a self-closing stream header opens and closes the stream", () => {
    const r = only("<stream:stream xmlns:stream='http://etherx.jabber.org/streams'/>");
    expect(r.log.map((l) => l.split(" ")[0])).toEqual(["start", "end"]);
  });

  test("end() inside a stanza or the header is not-well-formed; between stanzas it is silent", () => {
    expect(parse(`${H}<message><body>`, "one", undefined, { end: true }).errors.map((e) => e.condition)).toEqual([
      "not-well-formed",
    ]);
    expect(parse(`${H}<message`, "one", undefined, { end: true }).errors.map((e) => e.condition)).toEqual(["not-well-formed"]);
    expect(parse(H.slice(0, 30), "one", undefined, { end: true }).errors.map((e) => e.condition)).toEqual(["not-well-formed"]);
    expect(parse(`${H}<presence/>  `, "one", undefined, { end: true }).errors).toEqual([]);
    expect(parse("", "one", undefined, { end: true }).errors).toEqual([]);
  });

  test("end() in the middle of a UTF-8 sequence is not-well-formed", () => {
    const buf = Buffer.concat([Buffer.from(`${H}<message><body>`), Buffer.from("é").subarray(0, 1)]);
    expect(parse(buf, "one", undefined, { end: true }).errors.map((e) => e.condition)).toEqual(["not-well-formed"]);
  });

  test("reset() in a handler drops the rest of the write and expects a fresh header", () => {
    const events: string[] = [];
    const ref: { p?: XmlStreamParser } = {};
    const handler: XmlStreamHandler = {
      streamStart: (h) => events.push(`start ${h.attrs.to}`),
      element: (e) => {
        events.push(`el ${e.name}`);
        if (e.name === "auth") ref.p!.reset();
      },
      streamEnd: () => events.push("end"),
      error: (e) => events.push(`error ${e.condition}`),
    };
    const p = (ref.p = new XmlStreamParser(handler));
    p.write(Buffer.from(`${H}<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/><message>injected</message>`));
    p.write(Buffer.from(H.replace("example.com", "second.example") + "<iq/>"));
    expect(events).toEqual(["start example.com", "el auth", "start second.example", "el iq"]);
  });

  test("reset() clears a failure", () => {
    const { rec, handler } = recorder();
    const p = new XmlStreamParser(handler);
    p.write(Buffer.from(`${H}<a></b>`));
    expect(p.failed).toBe(true);
    p.reset();
    expect(p.failed).toBe(false);
    p.write(Buffer.from(`${H}<presence/>`));
    expect(rec.errors).toHaveLength(1);
    expect(rec.elements).toHaveLength(1);
  });

  test("a throwing handler becomes one internal-server-error, write() never throws", () => {
    const errors: string[] = [];
    const p = new XmlStreamParser({
      streamStart: () => undefined,
      element: () => {
        throw new Error("boom");
      },
      streamEnd: () => undefined,
      error: (e) => {
        errors.push(e.condition);
        throw new Error("error handler too");
      },
    });
    expect(() => p.write(Buffer.from(`${H}<presence/><presence/>`))).not.toThrow();
    expect(() => p.write(Buffer.from(`<presence/>`))).not.toThrow();
    expect(errors).toEqual(["internal-server-error"]);
    expect(p.failed).toBe(true);
  });

  test("write() from inside a handler is processed after the current input, in order", () => {
    const events: string[] = [];
    let injected = false;
    const p: XmlStreamParser = new XmlStreamParser({
      streamStart: () => undefined,
      element: (e) => {
        events.push(e.attrs.id);
        if (!injected) {
          injected = true;
          p.write(Buffer.from("<presence id='3'/>"));
        }
      },
      streamEnd: () => undefined,
      error: (e) => events.push(e.condition),
    });
    p.write(Buffer.from(`${H}<presence id='1'/><presence id='2'/>`));
    expect(events).toEqual(["1", "2", "3"]);
  });

  test("accepts Uint8Array as well as Buffer", () => {
    const { rec, handler } = recorder();
    const p = new XmlStreamParser(handler);
    p.write(new TextEncoder().encode(`${H}<presence/>`));
    expect(rec.elements).toHaveLength(1);
  });
});
