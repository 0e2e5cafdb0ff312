import { parseRawExpectation, parseStanza } from "./payload";

describe("parseRawExpectation", () => {
  it("splits a header, elements and the stream end into separate expectations", () => {
    const items = parseRawExpectation(
      "<?xml version='1.0'?>\n<stream:stream xmlns:stream='http://etherx.jabber.org/streams' id='{scansion:any}'>\n" +
        "<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>\n</stream:stream>",
    );
    expect(items.map((i) => i.kind)).toEqual(["header", "element", "end"]);
    expect(items[0].kind === "header" && items[0].el.attrs.id).toBe("{scansion:any}");
    expect(items[1].kind === "element" && items[1].el.name).toBe("stream:error");
  });

  it("accepts a lone element, a lone end, and several elements", () => {
    expect(parseRawExpectation("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>").map((i) => i.kind)).toEqual(["element"]);
    expect(parseRawExpectation("</stream:stream>").map((i) => i.kind)).toEqual(["end"]);
    expect(parseRawExpectation("<a/><b/>").map((i) => i.kind)).toEqual(["element", "element"]);
  });

  it("rejects nothing at all", () => {
    expect(() => parseRawExpectation("  ")).toThrow("nothing to expect");
  });
});

describe("parseStanza", () => {
  it("drops layout whitespace between elements but keeps text", () => {
    const el = parseStanza("<message>\n\t<body> hi </body>\n</message>");
    expect(el.toString()).toBe("<message><body> hi </body></message>");
  });
});
