import { parse, Element } from "ltx";
import { matchElement } from "./match";
import { parseStanza } from "./payload";

/** Expected side as the runner parses a script payload; received side as the stream parser delivers it. */
function check(expected: string, received: string) {
  return matchElement(parseStanza(expected), parse(received) as Element);
}
const ok = (e: string, r: string) => expect(check(e, r)).toBeNull();
const bad = (e: string, r: string, reason: RegExp, path?: string) => {
  const m = check(e, r);
  expect(m).not.toBeNull();
  expect(m!.reason).toMatch(reason);
  if (path) expect(m!.path).toBe(path);
};

describe("matchElement: default-namespace (non-strict) elements", () => {
  it("ignores extra attributes and children in the received stanza", () => {
    ok(`<presence from="a@b/c"/>`, `<presence xmlns="jabber:client" from="a@b/c" to="a@b/c" id="x"><priority>1</priority></presence>`);
  });

  it("requires every expected attribute with the same value", () => {
    bad(`<iq type="result" id="1"/>`, `<iq xmlns="jabber:client" type="result"/>`, /missing attribute id="1"/, "iq");
    bad(`<iq type="result"/>`, `<iq xmlns="jabber:client" type="error"/>`, /attribute type: expected "result", received "error"/);
  });

  it("accepts any value for {scansion:any} but still requires the attribute", () => {
    ok(`<message id="{scansion:any}"/>`, `<message xmlns="jabber:client" id="abc"/>`);
    bad(`<message id="{scansion:any}"/>`, `<message xmlns="jabber:client"/>`, /missing attribute id/);
  });

  it("accepts any non-empty text for a text of {scansion:any} (our extension)", () => {
    ok(`<iq><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><jid>{scansion:any}</jid></bind></iq>`, `<iq xmlns="jabber:client"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><jid>a@b/c</jid></bind></iq>`);
    bad(`<message><body>{scansion:any}</body></message>`, `<message xmlns="jabber:client"><body/></message>`, /expected some text/);
  });

  it("finds expected children in any order, each in a distinct received child", () => {
    ok(`<message><thread>t</thread><body>b</body></message>`, `<message xmlns="jabber:client"><body>b</body><subject>s</subject><thread>t</thread></message>`);
    bad(`<message><body>b</body><body>b</body></message>`, `<message xmlns="jabber:client"><body>b</body></message>`, /no <body> child/);
  });

  it("compares text trimmed, and ignores received text when none is expected", () => {
    ok(`<message><body>\n\t\tHello  \n</body></message>`, `<message xmlns="jabber:client"><body>Hello</body></message>`);
    ok(`<message><body/></message>`, `<message xmlns="jabber:client"><body>anything</body></message>`);
    bad(`<message><body>Hi</body></message>`, `<message xmlns="jabber:client"><body>Ho</body></message>`, /text: expected "Hi", received "Ho"/, "message/body");
  });

  it("checks element names and namespaces", () => {
    bad(`<iq/>`, `<message xmlns="jabber:client"/>`, /expected <iq> in jabber:client, received <message>/);
    bad(`<iq><query xmlns="jabber:iq:roster"/></iq>`, `<iq xmlns="jabber:client"><query xmlns="jabber:iq:private"/></iq>`, /no <query> child in jabber:iq:roster/);
  });
});

describe("matchElement: namespaced (strict) payloads", () => {
  it("rejects extra attributes, extra children and different text", () => {
    bad(`<iq><query xmlns="jabber:iq:roster"/></iq>`, `<iq xmlns="jabber:client"><query xmlns="jabber:iq:roster" ver="1"/></iq>`, /unexpected attribute\(s\) ver="1"/, "iq/query{jabber:iq:roster}");
    bad(
      `<iq><query xmlns="jabber:iq:roster"/></iq>`,
      `<iq xmlns="jabber:client"><query xmlns="jabber:iq:roster"><item jid="a@b"/></query></iq>`,
      /expected 0 child element\(s\) \(none\), received 1 \(<item>\)/,
    );
    bad(`<iq><query xmlns="jabber:iq:version"><name/></query></iq>`, `<iq xmlns="jabber:client"><query xmlns="jabber:iq:version"><name>X</name></query></iq>`, /text: expected "", received "X"/);
  });

  it("requires the same child order", () => {
    const exp = `<iq><query xmlns="jabber:iq:version"><name>P</name><version>1</version></query></iq>`;
    ok(exp, `<iq xmlns="jabber:client"><query xmlns="jabber:iq:version"><name>P</name><version>1</version></query></iq>`);
    bad(exp, `<iq xmlns="jabber:client"><query xmlns="jabber:iq:version"><version>1</version><name>P</name></query></iq>`, /expected <name>/);
  });

  it("treats children without their own xmlns as being in the parent's namespace (so strict)", () => {
    bad(
      `<iq><query xmlns="jabber:iq:roster"><item jid="a@b"/></query></iq>`,
      `<iq xmlns="jabber:client"><query xmlns="jabber:iq:roster"><item jid="a@b" subscription="none"/></query></iq>`,
      /unexpected attribute\(s\) subscription="none"/,
      "iq/query{jabber:iq:roster}/item",
    );
  });

  it("honours scansion:strict=false, and its descendants inherit it", () => {
    ok(
      `<iq><query xmlns="http://jabber.org/protocol/disco#info" scansion:strict="false"><identity category="server" type="im"/><feature var="urn:xmpp:ping"/></query></iq>`,
      `<iq xmlns="jabber:client"><query xmlns="http://jabber.org/protocol/disco#info"><identity category="server" type="im" name="X"/><feature var="a"/><feature var="urn:xmpp:ping"/></query></iq>`,
    );
  });

  it("honours scansion:strict=true on a default-namespace element and false nested inside it", () => {
    bad(`<presence scansion:strict="true"/>`, `<presence xmlns="jabber:client" id="1"/>`, /unexpected attribute/);
    ok(
      `<iq><query xmlns="jabber:iq:version" scansion:strict="true"><name>Prosody</name><version scansion:strict="false"/></query></iq>`,
      `<iq xmlns="jabber:client"><query xmlns="jabber:iq:version"><name>Prosody</name><version>0.12.3</version></query></iq>`,
    );
  });

  it("never counts xmlns declarations or scansion: attributes as attributes", () => {
    ok(`<iq><ping xmlns="urn:xmpp:ping" xmlns:x="urn:x" scansion:note="ignored"/></iq>`, `<iq xmlns="jabber:client"><ping xmlns="urn:xmpp:ping"/></iq>`);
  });

  it("reports the closest candidate when there is one, and a summary when there are several", () => {
    bad(
      `<iq><query xmlns="http://jabber.org/protocol/disco#info" scansion:strict="false"><feature var="urn:x"/></query></iq>`,
      `<iq xmlns="jabber:client"><query xmlns="http://jabber.org/protocol/disco#info"><feature var="a"/><feature var="b"/></query></iq>`,
      /none of the 2 unused received <feature> children match; e.g. attribute var: expected "urn:x", received "a"/,
    );
  });
});

describe("matchElement: stream-level elements", () => {
  it("resolves the undeclared stream: prefix and matches stream errors", () => {
    ok(
      `<stream:error><host-unknown xmlns="urn:ietf:params:xml:ns:xmpp-streams"/></stream:error>`,
      `<error xmlns="http://etherx.jabber.org/streams"><host-unknown xmlns="urn:ietf:params:xml:ns:xmpp-streams"/><text xmlns="urn:ietf:params:xml:ns:xmpp-streams">no</text></error>`,
    );
    bad(
      `<stream:error><host-unknown xmlns="urn:ietf:params:xml:ns:xmpp-streams"/></stream:error>`,
      `<error xmlns="http://etherx.jabber.org/streams"><host-gone xmlns="urn:ietf:params:xml:ns:xmpp-streams"/></error>`,
      /no <host-unknown> child/,
    );
  });

  it("gives unprefixed children of a prefixed element the enclosing default namespace", () => {
    bad(`<stream:features><bind/></stream:features>`, `<features xmlns="http://etherx.jabber.org/streams"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/></features>`, /no <bind> child in jabber:client/);
  });
});
