import { XmlStreamParser } from "../../lib/xml/parser";
import type { Element } from "ltx";
import { isImportant } from "./importance";

function parse(xml: string): Element {
  let out: Element | undefined;
  const p = new XmlStreamParser({ streamStart: () => undefined, element: (e) => (out = e), streamEnd: () => undefined, error: (e) => { throw new Error(e.text); } });
  p.write(Buffer.from(`<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>${xml}`));
  return out!;
}

describe("CSI importance (XEP-0352 §3.2)", () => {
  it.each([
    ["available presence", "<presence from='a@x/r'><show>away</show></presence>"],
    ["unavailable presence", "<presence type='unavailable' from='a@x/r'/>"],
    ["a standalone chat state", "<message type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>"],
    ["a chat state with its thread", "<message type='chat'><paused xmlns='http://jabber.org/protocol/chatstates'/><thread>t1</thread></message>"],
    [
      "a carbon of a chat state",
      "<message type='chat'><received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><message type='chat'><active xmlns='http://jabber.org/protocol/chatstates'/></message></forwarded></received></message>",
    ],
  ])("holds back %s", (_what, xml) => {
    expect(isImportant(parse(xml))).toBe(false);
  });

  it.each([
    ["a message with a body", "<message type='chat'><body>hi</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>"],
    ["a message without type and with a body", "<message><body>hi</body></message>"],
    ["a message error", "<message type='error'><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"],
    ["a subscription request", "<presence type='subscribe' from='a@x'/>"],
    ["a presence error", "<presence type='error' from='a@x'/>"],
    ["an IQ", "<iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>"],
    ["a MUC self-presence", "<presence from='room@muc/nick'><x xmlns='http://jabber.org/protocol/muc#user'><status code='110'/></x></presence>"],
    [
      "a carbon of a message with a body",
      "<message type='chat'><sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><message type='chat'><body>yo</body></message></forwarded></sent></message>",
    ],
  ])("lets %s through", (_what, xml) => {
    expect(isImportant(parse(xml))).toBe(true);
  });
});
