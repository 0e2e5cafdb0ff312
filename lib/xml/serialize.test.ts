/** serialize / escaping / streamHeader and the element helpers. */
import { Element } from "ltx";
import { NS } from "./ns";
import { STREAM_CLOSE, escapeAttr, escapeText, serialize, streamHeader } from "./serialize";
import { childElements, cloneElement, el, elementsEqual, findChild, findChildren, getChildText, getText, nsOf } from "./element";
import { corpus } from "./test-support/corpus";
import { HEADER_C2S as H, parse, rng } from "./test-support/harness";

/** Parses one serialized top-level element inside a neutral stream. */
function reparse(xml: string, limits = {}): Element {
  const r = parse(`<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>${xml}`, "one", limits);
  expect(r.errors).toEqual([]);
  expect(r.elements).toHaveLength(1);
  return r.elements[0];
}

describe("escaping", () => {
  test("escapeText escapes & < > and CR, nothing else", () => {
    expect(escapeText(`a&b<c>d"e'f\tg\nh\ri`)).toBe(`a&amp;b&lt;c&gt;d"e'f\tg\nh&#13;i`);
    expect(escapeText("]]>")).toBe("]]&gt;");
    expect(escapeText("plain 😀 é")).toBe("plain 😀 é");
  });

  test("escapeAttr escapes & < > \" ' and TAB/LF/CR as character references", () => {
    expect(escapeAttr(`a&b<c>d"e'f\tg\nh\ri`)).toBe("a&amp;b&lt;c&gt;d&quot;e&apos;f&#9;g&#10;h&#13;i");
  });

  test("characters XML cannot carry become U+FFFD; valid astral pairs survive", () => {
    expect(escapeText("a\u0000b\u0008c\u000bd\u001fe\ufffef\uffffg")).toBe("a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf\ufffdg");
    expect(escapeText("x\ud800y\udc00z")).toBe("x\ufffdy\ufffdz");
    expect(escapeText("\ud83d\ude00")).toBe("😀");
    expect(escapeAttr("\ud83d")).toBe("\ufffd");
    expect(escapeAttr("\u0001")).toBe("\ufffd");
  });

  test("attribute values round-trip exactly through the parser", () => {
    const nasty = `'"&<>\t\n\r x]]> &amp; 😀 \u00a0`;
    const back = reparse(serialize(el("a", { v: nasty })));
    expect(back.attrs.v).toBe(nasty);
  });

  test("XML-08: markup inside text or attributes cannot inject elements", () => {
    const e = el("message", { xmlns: NS.CLIENT, to: "x'/><evil to='y" }, el("body", {}, "</body><evil/><![CDATA[", "]]>"));
    const back = reparse(serialize(e));
    expect(childElements(back).map((c) => c.name)).toEqual(["body"]);
    expect(back.attrs.to).toBe("x'/><evil to='y");
    expect(getChildText(back, "body")).toBe("</body><evil/><![CDATA[]]>");
  });
});

describe("serialize", () => {
  test("writes attributes in order with single quotes, skips null/undefined, self-closes empty elements", () => {
    const e = new Element("iq");
    e.attrs = { xmlns: NS.CLIENT, type: "get", id: undefined as unknown as string, n: 5 as unknown as string };
    e.children.push(el("query", { xmlns: NS.ROSTER }), "t", 7 as unknown as string);
    expect(serialize(e)).toBe("<iq xmlns='jabber:client' type='get' n='5'><query xmlns='jabber:iq:roster'/>t7</iq>");
  });

  test("a 100,000-deep element serializes without overflowing the stack", () => {
    const depth = 100000;
    const root = new Element("a");
    let cur = root;
    for (let i = 1; i < depth; i++) {
      const c = new Element("a");
      cur.children.push(c);
      c.parent = cur;
      cur = c;
    }
    cur.children.push("x");
    const out = serialize(root);
    expect(out.length).toBe(depth * "<a></a>".length + 1);
    expect(out.startsWith("<a><a><a>")).toBe(true);
    expect(out.indexOf("x")).toBe(depth * "<a>".length);
    expect(out.endsWith("</a></a>")).toBe(true);
    // The helpers are iterative too.
    const copy = cloneElement(root);
    expect(elementsEqual(root, copy)).toBe(true);
    expect(() => new Element("x").toString()).not.toThrow(); // sanity: ltx itself is fine when shallow
  });

  test("round trip: serialize(parse(x)) re-parses to an equal element, for a realistic corpus", () => {
    const r = parse(corpus(rng(3), 300));
    expect(r.errors).toEqual([]);
    expect(r.elements).toHaveLength(300);
    for (const e of r.elements) {
      const back = reparse(serialize(e));
      expect(elementsEqual(back, e)).toBe(true);
      expect(serialize(back)).toBe(serialize(e));
    }
  });

  test("round trip keeps namespaces of prefixed input, xml:lang and namespaced attributes", () => {
    const input =
      `${H}<c:message xmlns:c='jabber:client' xmlns:x='urn:x' x:a='1' xml:lang='de'>` +
      `<c:body>hi</c:body><x:data x:b='2'><y xmlns='urn:y'><z xmlns=''/></y></x:data></c:message>`;
    const [e] = parse(input).elements;
    const xml = serialize(e);
    expect(xml).toBe(
      "<message xmlns='jabber:client' x:a='1' xmlns:x='urn:x' xml:lang='de'><body>hi</body>" +
        "<data xmlns='urn:x' x:b='2' xmlns:x='urn:x'><y xmlns='urn:y'><z xmlns=''/></y></data></message>",
    );
    expect(elementsEqual(reparse(xml), e)).toBe(true);
  });
});

describe("streamHeader", () => {
  test("builds the open tag with declaration, namespaces and attributes, omitting undefined", () => {
    expect(
      streamHeader(
        { from: "example.com", to: undefined, id: "a'b", version: "1.0", "xml:lang": "en" },
        { defaultNs: NS.CLIENT },
      ),
    ).toBe(
      "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' " +
        "from='example.com' id='a&apos;b' version='1.0' xml:lang='en'>",
    );
  });

  test("supports extra prefixes and no declaration; the result parses as a header", () => {
    const h = streamHeader({ to: "b.example" }, { xmlDecl: false, defaultNs: NS.SERVER, prefixes: { db: NS.DIALBACK } });
    expect(h).toBe(
      "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' xmlns:db='jabber:server:dialback' to='b.example'>",
    );
    const r = parse(`${h}<db:result from='a' to='b'>key</db:result>${STREAM_CLOSE}`);
    expect(r.errors).toEqual([]);
    expect(r.header?.prefixes).toEqual({ stream: NS.STREAM, db: NS.DIALBACK });
    expect(r.elements[0].attrs).toEqual({ xmlns: NS.DIALBACK, from: "a", to: "b" });
    expect(r.ended).toBe(true);
  });
});

describe("element helpers", () => {
  const msg = el(
    "message",
    { xmlns: NS.CLIENT, to: "a@b", id: undefined, n: 1 },
    el("body", null, "hello ", "world"),
    null,
    false,
    [el("x", { xmlns: "urn:x" }), [el("body", { "xml:lang": "de" }, "hallo")]],
    el("y", { xmlns: "" }),
  );

  test("el() builds attributes, flattens children and sets parents", () => {
    expect(msg.attrs).toEqual({ xmlns: NS.CLIENT, to: "a@b", n: "1" });
    expect(childElements(msg).map((c) => c.name)).toEqual(["body", "x", "body", "y"]);
    expect(childElements(msg).every((c) => c.parent === msg)).toBe(true);
    expect(serialize(msg)).toBe(
      "<message xmlns='jabber:client' to='a@b' n='1'><body>hello world</body><x xmlns='urn:x'/>" +
        "<body xml:lang='de'>hallo</body><y xmlns=''/></message>",
    );
  });

  test("findChild/findChildren/nsOf resolve namespaces through parents and honour xmlns=''", () => {
    expect(findChild(msg, "x", "urn:x")).toBeDefined();
    expect(findChild(msg, "x", NS.CLIENT)).toBeUndefined();
    expect(findChildren(msg, "body", NS.CLIENT)).toHaveLength(2);
    expect(findChildren(msg, "body")).toHaveLength(2);
    expect(findChild(msg, "y", "")).toBeDefined();
    expect(findChild(msg, "y", NS.CLIENT)).toBeUndefined();
    expect(nsOf(findChild(msg, "body")!)).toBe(NS.CLIENT);
    expect(getText(findChild(msg, "body")!)).toBe("hello world");
    expect(getChildText(msg, "missing")).toBeUndefined();
  });

  test("elementsEqual ignores attribute order and text splitting, but not content", () => {
    const a = el("a", { x: "1", y: "2" }, "ab", el("b"));
    expect(elementsEqual(a, el("a", { y: "2", x: "1" }, "a", "b", el("b")))).toBe(true);
    expect(elementsEqual(a, el("a", { x: "1", y: "3" }, "ab", el("b")))).toBe(false);
    expect(elementsEqual(a, el("a", { x: "1", y: "2" }, "ab", el("c")))).toBe(false);
    expect(elementsEqual(a, el("a", { x: "1", y: "2" }, "abc", el("b")))).toBe(false);
    expect(elementsEqual(a, el("a", { x: "1" }, "ab", el("b")))).toBe(false);
  });

  test("cloneElement is deep and detached", () => {
    const c = cloneElement(msg);
    expect(c).not.toBe(msg);
    expect(c.parent).toBeNull();
    expect(elementsEqual(c, msg)).toBe(true);
    (childElements(c)[0].children as string[])[0] = "changed";
    expect(getText(findChild(msg, "body")!)).toBe("hello world");
  });
});
