import { el } from "../../lib/stanza";
import { serialize } from "../../lib/xml/serialize";
import { decodeMessage, encodeMessage, UnreadableMessageError } from "./codec";

describe("stored message codec", () => {
  it("round-trips a message with namespaces, attributes and awkward text", () => {
    const xml =
      "<message xmlns='jabber:client' from='a@localhost/r' to='b@localhost' type='chat' id='m&amp;1' xml:lang='en'>" +
      "<body>1 &lt; 2 &amp; \u{1F600} ]]&gt;</body><x xmlns='urn:example' a='&apos;&quot;'><y/></x></message>";
    const stanza = decodeMessage({ v: 1, xml });
    const back = decodeMessage(encodeMessage(stanza));
    expect(serialize(back)).toBe(serialize(stanza));
    expect(back.attrs.id).toBe("m&1");
    expect(back.getChildText("body")).toBe("1 < 2 & \u{1F600} ]]>");
    expect(back.attrs.xmlns).toBe("jabber:client");
  });

  it("keeps a stanza namespace other than jabber:client, and gives a bare built stanza jabber:client", () => {
    expect(decodeMessage({ v: 1, xml: "<message xmlns='jabber:server' to='b@x'/>" }).attrs.xmlns).toBe("jabber:server");
    expect(decodeMessage(encodeMessage(el("message", { to: "b@x" }, el("body", {}, "hi")))).attrs.xmlns).toBe("jabber:client");
  });

  it("refuses rows that are not exactly one well-formed <message/>", () => {
    for (const value of [
      null,
      "x",
      { v: 2, xml: "<message/>" },
      { v: 1, xml: "<message>" },
      { v: 1, xml: "<iq type='get' id='1'/>" },
      { v: 1, xml: "<message/><message/>" },
      { v: 1, xml: "<message/></stream:stream><message/>" },
      { v: 1, xml: "<!DOCTYPE x><message/>" },
    ]) {
      expect(() => decodeMessage(value as never)).toThrow(UnreadableMessageError);
    }
  });

  it("reads back a stanza larger than the default parser limits", () => {
    const big = "x".repeat(300_000);
    expect(decodeMessage(encodeMessage(el("message", { xmlns: "jabber:client" }, el("body", {}, big)))).getChildText("body")).toBe(big);
  });
});
