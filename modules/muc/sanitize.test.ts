import { parse } from "ltx";
import { serialize } from "../../lib/xml/serialize";
import { sanitized } from "./sanitize";

describe("stripping what only the room may say", () => {
  it("removes muc#user, muc, occupant-id, the room's stanza-id and delay; keeps the rest", () => {
    const s = parse(
      "<message xmlns='jabber:client' to='r@muc' from='a@h/x' id='1' type='groupchat'><body>hi</body>" +
        "<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='owner' role='moderator' jid='boss@h/x'/><status code='110'/></x>" +
        "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='forged'/>" +
        "<stanza-id xmlns='urn:xmpp:sid:0' by='r@muc' id='fake'/><stanza-id xmlns='urn:xmpp:sid:0' by='a@h' id='theirs'/>" +
        "<delay xmlns='urn:xmpp:delay' from='r@muc' stamp='2000-01-01T00:00:00Z'/><delay xmlns='urn:xmpp:delay' from='a@h/x' stamp='2000-01-01T00:00:00Z'/>" +
        "</message>",
    );
    expect(serialize(sanitized(s, "r@muc"))).toBe(
      "<message xmlns='jabber:client' id='1' type='groupchat'><body>hi</body><stanza-id xmlns='urn:xmpp:sid:0' by='a@h' id='theirs'/>" +
        "<delay xmlns='urn:xmpp:delay' from='a@h/x' stamp='2000-01-01T00:00:00Z'/></message>",
    );
    expect(s.getChild("x")).toBeDefined();
  });
});
