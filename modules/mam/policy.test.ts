import { decodeMessage } from "../offline/codec";
import { shouldArchive } from "./policy";
import { addStanzaId, stripStanzaIds } from "./stanza-id";

const msg = (attrs: string, inner: string) => decodeMessage({ v: 1, xml: `<message xmlns='jabber:client' to='b@x'${attrs}>${inner}</message>` });

describe("what is archived", () => {
  it("keeps chat and normal messages with a body, and what asks to be stored", () => {
    expect(shouldArchive(msg(" type='chat'", "<body>hi</body>"))).toBe(true);
    expect(shouldArchive(msg("", "<body>hi</body>"))).toBe(true);
    expect(shouldArchive(msg(" type='headline'", "<body>hi</body><store xmlns='urn:xmpp:hints'/>"))).toBe(true);
  });
  it("leaves out bodiless, groupchat, headline, error and no-store messages", () => {
    expect(shouldArchive(msg(" type='chat'", "<active xmlns='http://jabber.org/protocol/chatstates'/>"))).toBe(false);
    expect(shouldArchive(msg(" type='chat'", "<body xmlns='urn:other'>x</body>"))).toBe(false);
    expect(shouldArchive(msg(" type='groupchat'", "<body>hi</body>"))).toBe(false);
    expect(shouldArchive(msg(" type='headline'", "<body>hi</body>"))).toBe(false);
    expect(shouldArchive(msg(" type='error'", "<body>hi</body><store xmlns='urn:xmpp:hints'/>"))).toBe(false);
    expect(shouldArchive(msg(" type='chat'", "<body>hi</body><no-store xmlns='urn:xmpp:hints'/>"))).toBe(false);
    expect(shouldArchive(msg(" type='chat'", "<body>hi</body><no-permanent-store xmlns='urn:xmpp:hints'/>"))).toBe(false);
    expect(shouldArchive(msg(" type='chat'", "<body>hi</body><store xmlns='urn:xmpp:hints'/><no-store xmlns='urn:xmpp:hints'/>"))).toBe(false);
  });
});

describe("stanza-id", () => {
  it("strips ids claiming the archive (in any spelling of its JID) and keeps others'", () => {
    const m = msg("", "<body>x</body><stanza-id xmlns='urn:xmpp:sid:0' by='b@x' id='forged'/><stanza-id xmlns='urn:xmpp:sid:0' by='B@X' id='forged2'/><stanza-id xmlns='urn:xmpp:sid:0' by='room@muc.x' id='theirs'/><stanza-id xmlns='urn:other' by='b@x' id='other-ns'/>");
    stripStanzaIds(m, "b@x");
    expect(m.getChildren("stanza-id").map((s) => s.attrs.id)).toEqual(["theirs", "other-ns"]);
    addStanzaId(m, "b@x", "k1");
    expect(m.getChildren("stanza-id", "urn:xmpp:sid:0").map((s) => [s.attrs.by, s.attrs.id])).toEqual([["room@muc.x", "theirs"], ["b@x", "k1"]]);
  });
});
