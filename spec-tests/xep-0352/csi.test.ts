/**
 * Client State Indication over real sockets: while inactive, presence broadcasts and chat states
 * wait; messages with content never wait and release what did, in order.
 *
 * References:
 * - XEP-0352 §4.1 (feature after authentication), §4.2 (<active/>/<inactive/>, no reply; a stream
 *   begins active), §5.1 (in-order processing: the flush happens before the next request is answered)
 * - XEP-0085 (chat states), XEP-0198 §5 (a resumed stream is a new stream: active)
 */
import type { Element } from "ltx";
import { startTestServer, TestServer } from "../support/harness";
import { RawStream, TestClient } from "../support/test-client";
import { bodyOf, isChat, NS_CSI, SmClient, waitDetached } from "../xep-0198/sm-client";

const QUEUE = 3;
let ts: TestServer;
const clients: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  ts = await startTestServer({ yaml: `csi_queue_size: ${QUEUE}` });
  for (const u of ["alice", "bob"]) await ts.addUser(u, `${u}-pw`);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
});
afterAll(async () => ts?.stop());

async function plain(user: string, resource?: string): Promise<TestClient> {
  const c = await TestClient.login(ts, user, `${user}-pw`, { resource });
  clients.push({ close: () => c.disconnect() });
  return c;
}

/** alice/phone (hand-driven, available) and alice/desk (available), each seeing the other's presence. */
async function twoResources(opts: { sm?: boolean } = {}): Promise<{ phone: SmClient; desk: TestClient; smId?: string }> {
  let phone: SmClient;
  let smId: string | undefined;
  if (opts.sm) {
    const r = await SmClient.enabled(ts, "alice", "alice-pw", { resource: "phone" });
    phone = r.c;
    smId = r.enabled.attrs.id;
  } else {
    phone = await SmClient.authenticated(ts, "alice", "alice-pw");
    await phone.bind("phone");
  }
  clients.push(phone);
  phone.send("<presence/>");
  await phone.expect((e) => e.name === "presence" && e.attrs.from === phone.jid, "the phone's own presence");
  const desk = await plain("alice", "desk");
  desk.send("<presence/>");
  await phone.expect((e) => e.name === "presence" && e.attrs.from === desk.jid, "the desk's presence");
  return { phone, desk, smId };
}

const fromDesk = (desk: TestClient) => (e: Element) => e.name === "presence" && e.attrs.from === desk.jid;
const composing = "<composing xmlns='http://jabber.org/protocol/chatstates'/>";

it("offers <csi xmlns='urn:xmpp:csi:0'/> after authentication, not before (§4.1)", async () => {
  const raw = await RawStream.open(ts);
  try {
    expect(raw.features.getChild("csi", NS_CSI)).toBeUndefined();
  } finally {
    await raw.close();
  }
  const c = await SmClient.authenticated(ts, "alice", "alice-pw");
  clients.push(c);
  expect(c.features.getChild("csi", NS_CSI)).toBeDefined();
});

it("holds presence back while inactive and releases it, first, with the next message (§4.2)", async () => {
  const { phone, desk } = await twoResources();
  phone.send(`<inactive xmlns='${NS_CSI}'/>`);
  desk.send("<presence><show>away</show></presence>");
  expect(await phone.collect(fromDesk(desk), 400)).toEqual([]);

  const bob = await plain("bob");
  bob.send(`<message to='${phone.jid}' type='chat' id='m1'><body>wake up</body></message>`);
  const first = await phone.expect(() => true, "the next stanza");
  const second = await phone.expect(() => true, "the stanza after it");
  // The held presence comes out before the message that released it.
  expect(first.name).toBe("presence");
  expect(first.attrs.from).toBe(desk.jid);
  expect(first.getChildText("show")).toBe("away");
  expect([second.attrs.id, bodyOf(second)]).toEqual(["m1", "wake up"]);
});

it("delivers held presence on <active/>, before answering what the client sends next (§4.2, §5.1)", async () => {
  const { phone, desk } = await twoResources();
  phone.send(`<inactive xmlns='${NS_CSI}'/>`);
  desk.send("<presence><show>dnd</show></presence>");
  expect(await phone.collect(fromDesk(desk), 300)).toEqual([]);
  phone.send(`<active xmlns='${NS_CSI}'/>`);
  phone.send("<iq type='get' id='ping1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
  await phone.expect((e) => e.name === "iq" && e.attrs.id === "ping1", "the pong");
  // expect() consumed only the pong; the presence is already here and came before it.
  const pres = await phone.expect(fromDesk(desk), "the held presence", 10);
  expect(pres.getChildText("show")).toBe("dnd");
});

it("never delays a message with a body; a chat state waits and is released before it, in order", async () => {
  const { phone } = await twoResources();
  phone.send(`<inactive xmlns='${NS_CSI}'/>`);
  const bob = await plain("bob");
  const sentAt = Date.now();
  bob.send(`<message to='${phone.jid}' type='chat' id='direct'><body>straight through</body></message>`);
  await phone.expect((e) => isChat(e) && e.attrs.id === "direct", "the message");
  expect(Date.now() - sentAt).toBeLessThan(300);

  bob.send(`<message to='${phone.jid}' type='chat' id='cs1'>${composing}</message>`);
  expect(await phone.collect((e) => e.attrs.id === "cs1", 300)).toEqual([]);
  bob.send(`<message to='${phone.jid}' type='chat' id='body2'><body>typed</body></message>`);
  await phone.expect((e) => isChat(e) && e.attrs.id === "body2", "the second message");
  const state = await phone.expect((e) => e.attrs.id === "cs1", "the chat state", 10);
  expect(state.getChild("composing")).toBeDefined();
});

it("keeps held stanzas in arrival order relative to messages", async () => {
  const { phone, desk } = await twoResources();
  const bob = await plain("bob");
  phone.send(`<inactive xmlns='${NS_CSI}'/>`);
  desk.send("<presence><show>away</show></presence>");
  bob.send(`<message to='${phone.jid}' type='chat' id='cs2'>${composing}</message>`);
  await new Promise((r) => setTimeout(r, 200));
  bob.send(`<message to='${phone.jid}' type='chat' id='final'><body>done</body></message>`);
  const got: Element[] = [];
  while (!got.some((e) => e.attrs.id === "final")) got.push(await phone.expect(() => true, "the next stanza"));
  expect(got.map((e) => (e.name === "presence" ? "presence" : e.attrs.id))).toEqual(["presence", "cs2", "final"]);
});

it("sends the buffer once it holds csi_queue_size stanzas", async () => {
  const { phone, desk } = await twoResources();
  phone.send(`<inactive xmlns='${NS_CSI}'/>`);
  for (const show of ["away", "xa"]) desk.send(`<presence><show>${show}</show></presence>`);
  expect(await phone.collect(fromDesk(desk), 300)).toEqual([]);
  desk.send("<presence><show>dnd</show></presence>");
  const flushed = [];
  for (let i = 0; i < QUEUE; i++) flushed.push(await phone.expect(fromDesk(desk), `held presence ${i + 1}`));
  expect(flushed.map((p) => p.getChildText("show"))).toEqual(["away", "xa", "dnd"]);
});

it("starts a resumed stream active and releases what waited (§4.2; XEP-0198 §5)", async () => {
  const { phone, desk, smId } = await twoResources({ sm: true });
  phone.send(`<inactive xmlns='${NS_CSI}'/>`);
  desk.send("<presence><show>chat</show></presence>");
  expect(await phone.collect(fromDesk(desk), 300)).toEqual([]);
  await phone.vanish();
  await waitDetached(ts, phone.jid!);
  const again = await SmClient.authenticated(ts, "alice", "alice-pw");
  clients.push(again);
  expect((await again.resume(smId!, phone.h)).name).toBe("resumed");
  const pres = await again.expect(fromDesk(desk), "the held presence");
  expect(pres.getChildText("show")).toBe("chat");
  // Counted when it was really sent, after the resumption: the client's count matches the server's queue.
  again.send(`<a xmlns='urn:xmpp:sm:3' h='${again.h}'/>`);
  expect(await again.requestAck()).toBeGreaterThan(0);
  expect(again.closed).toBe(false);
});
