import { decodeMessage } from "./codec";
import { isChatStateOnly, offlineDecision } from "./policy";

const msg = (inner: string, attrs = "") => decodeMessage({ v: 1, xml: `<message xmlns='jabber:client' to='b@localhost'${attrs}>${inner}</message>` });
const CS = "xmlns='http://jabber.org/protocol/chatstates'";
const HINTS = "xmlns='urn:xmpp:hints'";

describe("offlineDecision (XEP-0160 §3, XEP-0085, XEP-0334)", () => {
  it.each([
    ["no type (normal)", msg("<body>hi</body>"), true],
    ["normal", msg("<body>hi</body>", " type='normal'"), true],
    ["chat", msg("<body>hi</body>", " type='chat'"), true],
    ["groupchat", msg("<body>hi</body>", " type='groupchat'"), false],
    ["headline", msg("<body>hi</body>", " type='headline'"), false],
    ["error", msg("<body>hi</body>", " type='error'"), false],
  ])("%s → store %s", (_name, stanza, store) => {
    expect(offlineDecision(stanza).store).toBe(store);
  });

  it("does not store a standalone chat state, with or without thread, hints and ids", () => {
    expect(offlineDecision(msg(`<composing ${CS}/>`, " type='chat'"))).toEqual({ store: false, reason: "chat state only" });
    expect(offlineDecision(msg(`<thread>t1</thread><active ${CS}/><no-copy ${HINTS}/><origin-id xmlns='urn:xmpp:sid:0' id='x'/>`, " type='chat'")).store).toBe(false);
  });

  it("stores a chat state that comes with content", () => {
    expect(offlineDecision(msg(`<body>hi</body><active ${CS}/>`, " type='chat'")).store).toBe(true);
    expect(offlineDecision(msg(`<subject>s</subject><active ${CS}/>`)).store).toBe(true);
    // A receipt or any other payload is content too (only pure chat states are skipped).
    expect(offlineDecision(msg(`<received xmlns='urn:xmpp:receipts' id='1'/><active ${CS}/>`, " type='chat'")).store).toBe(true);
  });

  it("stores a body-less message that is not a chat state (receipts, markers)", () => {
    expect(offlineDecision(msg("<received xmlns='urn:xmpp:receipts' id='1'/>", " type='chat'")).store).toBe(true);
    expect(isChatStateOnly(msg(""))).toBe(false);
  });

  it("honours <no-store/>, ignores <no-permanent-store/>, and <store/> forces storage except for errors", () => {
    expect(offlineDecision(msg(`<body>hi</body><no-store ${HINTS}/>`, " type='chat'"))).toEqual({ store: false, reason: "no-store hint" });
    expect(offlineDecision(msg(`<body>hi</body><no-permanent-store ${HINTS}/>`, " type='chat'")).store).toBe(true);
    expect(offlineDecision(msg(`<composing ${CS}/><store ${HINTS}/>`, " type='chat'")).store).toBe(true);
    expect(offlineDecision(msg(`<body>x</body><store ${HINTS}/>`, " type='headline'")).store).toBe(true);
    expect(offlineDecision(msg(`<body>x</body><store ${HINTS}/>`, " type='error'")).store).toBe(false);
    expect(offlineDecision(msg(`<body>x</body><store ${HINTS}/><no-store ${HINTS}/>`)).store).toBe(false);
  });

  it("matches hints and chat states by namespace, not by name alone", () => {
    expect(offlineDecision(msg("<body>hi</body><no-store xmlns='urn:example'/>")).store).toBe(true);
    expect(offlineDecision(msg("<composing xmlns='urn:example'/>", " type='chat'")).store).toBe(true);
  });
});
