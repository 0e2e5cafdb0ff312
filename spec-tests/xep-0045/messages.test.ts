/**
 * XEP-0045 messages over real sockets: groupchat reflection (§7.4), discussion history
 * (§7.2.13–§7.2.14), the subject (§7.2.15, §8.1), private messages (§7.5), errors for
 * non-occupants (§7.4, §7.5), what a client may not forge (§17.3 rule 6, XEP-0421 §4,
 * reliability.md §0 item 6), occupant ids (XEP-0421), self-ping (XEP-0410) and IQs relayed
 * between occupants (§17.4 rule 3).
 */
import type { Element } from "ltx";
import type { TestServer } from "../support/harness";
import { errorCondition, type TestClient } from "../support/test-client";
import { Clients, errorFrom, groupchat, isSubject, item, join, NS_OCCUPANT_ID, NS_USER, presenceFrom, SERVICE, startMucServer } from "./support";

let ts: TestServer;
const clients = new Clients(() => ts);

beforeAll(async () => {
  ts = await startMucServer();
  for (const u of ["crone", "hag", "wicca", "outsider"]) await ts.addUser(u, `pw-${u}`);
});
afterEach(() => clients.closeAll());
afterAll(() => ts?.stop());

const room = (r: string) => `${r}@${SERVICE}`;
const occupantId = (e: Element) => e.getChild("occupant-id", NS_OCCUPANT_ID)?.attrs.id as string | undefined;

async function pair(r: string): Promise<[TestClient, TestClient]> {
  const crone = await clients.login("crone");
  const hag = await clients.login("hag");
  await join(crone, r, "crone");
  await join(hag, r, "hag");
  await crone.expect(presenceFrom(`${room(r)}/hag`), "hag's join");
  return [crone, hag];
}

it("reflects groupchat to every occupant, sender included, from the occupant JID with the client's id (§7.4)", async () => {
  const [crone, hag] = await pair("chat");
  hag.send(`<message to='${room("chat")}' type='groupchat' id='m1'><body>Harpier cries</body></message>`);
  for (const c of [crone, hag]) {
    const m = await c.expect(groupchat(`${room("chat")}/hag`, "Harpier cries"), "the reflection");
    expect(m.attrs.id).toBe("m1");
    expect(m.attrs.to).toBe(c.jid);
    expect(occupantId(m)).toMatch(/^[A-Za-z0-9_-]{20,128}$/);
  }
});

it("gives each user a stable occupant id, the same on presence and messages (XEP-0421)", async () => {
  const [crone, hag] = await pair("ids");
  hag.send(`<presence to='${room("ids")}/hag'><status>here</status></presence>`);
  const p = await crone.expect((e) => presenceFrom(`${room("ids")}/hag`)(e) && e.getChildText("status") === "here", "hag's update");
  hag.send(`<message to='${room("ids")}' type='groupchat'><body>id?</body></message>`);
  const m = await crone.expect(groupchat(`${room("ids")}/hag`, "id?"), "hag's message");
  expect(occupantId(p)).toBeDefined();
  expect(occupantId(m)).toBe(occupantId(p));
  crone.send(`<message to='${room("ids")}' type='groupchat'><body>mine</body></message>`);
  expect(occupantId(await crone.expect(groupchat(`${room("ids")}/crone`, "mine"), "crone's message"))).not.toBe(occupantId(p));
});

it("sends history on join, as many as maxstanzas asks, stamped with a delay from the room (§7.2.13–14)", async () => {
  const [crone] = await pair("hist");
  for (let i = 1; i <= 4; i++) crone.send(`<message to='${room("hist")}' type='groupchat'><body>line ${i}</body></message>`);
  await crone.expect(groupchat(`${room("hist")}/crone`, "line 4"), "the last line");
  const wicca = await clients.login("wicca");
  wicca.send(`<presence to='${room("hist")}/wicca'><x xmlns='http://jabber.org/protocol/muc'><history maxstanzas='2'/></x></presence>`);
  const first = await wicca.expect((e) => e.name === "message" && !!e.getChild("body"), "history");
  const second = await wicca.expect((e) => e.name === "message" && !!e.getChild("body"), "history");
  expect([first.getChildText("body"), second.getChildText("body")]).toEqual(["line 3", "line 4"]);
  expect(first.getChild("delay", "urn:xmpp:delay")?.attrs.from).toBe(room("hist"));
  await wicca.expect(isSubject(room("hist")), "the subject after the history");
  await wicca.expectNone((e) => e.name === "message" && !!e.getChild("body"), "more history");
});

it("sends no history when maxchars is 0", async () => {
  const [crone] = await pair("quiet");
  crone.send(`<message to='${room("quiet")}' type='groupchat'><body>said</body></message>`);
  await crone.expect(groupchat(`${room("quiet")}/crone`, "said"), "the reflection");
  const wicca = await clients.login("wicca");
  await join(wicca, "quiet", "wicca", "<history maxchars='0'/>");
  await wicca.expectNone((e) => e.name === "message" && !!e.getChild("body"), "history");
});

it("lets moderators change the subject, refuses participants, and shows it to newcomers (§8.1, §7.2.15)", async () => {
  const [crone, hag] = await pair("topic");
  hag.send(`<message to='${room("topic")}' type='groupchat' id='s1'><subject>mine now</subject></message>`);
  expect(errorCondition(await hag.expect(errorFrom("message", room("topic")), "the refusal"))).toBe("forbidden");
  crone.send(`<message to='${room("topic")}' type='groupchat'><subject>Fire Burn</subject></message>`);
  for (const c of [crone, hag]) expect((await c.expect(isSubject(room("topic")), "the new subject")).getChildText("subject")).toBe("Fire Burn");
  const wicca = await clients.login("wicca");
  wicca.send(`<presence to='${room("topic")}/wicca'><x xmlns='http://jabber.org/protocol/muc'/></presence>`);
  const s = await wicca.expect(isSubject(room("topic")), "the subject on join");
  expect(s.getChildText("subject")).toBe("Fire Burn");
  expect(s.attrs.from).toBe(`${room("topic")}/crone`);
  expect(s.getChild("delay", "urn:xmpp:delay")).toBeDefined();
  // XEP-0421 §4: every message from the room carries the id of the occupant it speaks for.
  expect(occupantId(s)).toBeDefined();
});

it("relays private messages under occupant JIDs with an empty muc#user <x/> (§7.5)", async () => {
  const [crone, hag] = await pair("pm");
  hag.send(`<message to='${room("pm")}/crone' type='chat' id='p1'><body>psst</body><x xmlns='${NS_USER}'><item jid='liar@localhost/x' affiliation='owner'/></x></message>`);
  const m = await crone.expect((e) => e.name === "message" && e.getChildText("body") === "psst", "the private message");
  expect(m.attrs.from).toBe(`${room("pm")}/hag`);
  expect(m.attrs.type).toBe("chat");
  expect(m.getChildren("x", NS_USER)).toHaveLength(1);
  expect(m.getChild("x", NS_USER)!.children).toHaveLength(0);
  hag.send(`<message to='${room("pm")}/nobody' type='chat'><body>?</body></message>`);
  expect(errorCondition(await hag.expect(errorFrom("message", `${room("pm")}/nobody`), "no such occupant"))).toBe("item-not-found");
  hag.send(`<message to='${room("pm")}/crone' type='groupchat'><body>?</body></message>`);
  expect(errorCondition(await hag.expect(errorFrom("message", `${room("pm")}/crone`), "groupchat PM"))).toBe("bad-request");
});

it("refuses messages from non-occupants with not-acceptable (§7.4, §7.5), and to rooms that do not exist with item-not-found", async () => {
  const [crone] = await pair("closed");
  const outsider = await clients.login("outsider");
  outsider.send(`<message to='${room("closed")}' type='groupchat'><body>let me in</body></message>`);
  expect(errorCondition(await outsider.expect(errorFrom("message", room("closed")), "the refusal"))).toBe("not-acceptable");
  outsider.send(`<message to='${room("closed")}/crone' type='chat'><body>hi</body></message>`);
  expect(errorCondition(await outsider.expect(errorFrom("message", `${room("closed")}/crone`), "the refusal"))).toBe("not-acceptable");
  await crone.expectNone((e) => e.name === "message" && !!e.getChild("body"), "the outsider's messages");
  outsider.send(`<message to='${room("nowhere")}' type='groupchat'><body>hello?</body></message>`);
  expect(errorCondition(await outsider.expect(errorFrom("message", room("nowhere")), "no room"))).toBe("item-not-found");
});

it("strips a forged muc#user <x/>, occupant id and room stanza-id from what it reflects (§17.3 rule 6, XEP-0421 §4)", async () => {
  const [crone, hag] = await pair("forge");
  hag.send(
    `<message to='${room("forge")}' type='groupchat'><body>trust me</body>` +
      `<x xmlns='${NS_USER}'><item affiliation='owner' role='moderator' jid='crone@localhost/r'/><status code='110'/></x>` +
      `<occupant-id xmlns='${NS_OCCUPANT_ID}' id='crones-id'/><stanza-id xmlns='urn:xmpp:sid:0' by='${room("forge")}' id='fake'/></message>`,
  );
  const m = await crone.expect(groupchat(`${room("forge")}/hag`, "trust me"), "the reflection");
  expect(m.getChild("x", NS_USER)).toBeUndefined();
  expect(m.getChildren("occupant-id", NS_OCCUPANT_ID)).toHaveLength(1);
  expect(occupantId(m)).not.toBe("crones-id");
  expect(m.getChild("stanza-id", "urn:xmpp:sid:0")).toBeUndefined();

  hag.send(`<presence to='${room("forge")}/hag'><status>now owner</status><x xmlns='${NS_USER}'><item affiliation='owner' role='moderator'/></x></presence>`);
  const p = await crone.expect((e) => presenceFrom(`${room("forge")}/hag`)(e) && e.getChildText("status") === "now owner", "hag's presence");
  expect(p.getChildren("x", NS_USER)).toHaveLength(1);
  expect(item(p)).toMatchObject({ affiliation: "none", role: "participant" });
});

it("answers a self-ping itself, and refuses one from a non-occupant (XEP-0410)", async () => {
  const [, hag] = await pair("ping");
  const ok = await hag.iq(`<iq type='get' to='${room("ping")}/hag'><ping xmlns='urn:xmpp:ping'/></iq>`);
  expect(ok.attrs.type).toBe("result");
  expect(ok.attrs.from).toBe(`${room("ping")}/hag`);
  const outsider = await clients.login("outsider");
  const no = await outsider.iq(`<iq type='get' to='${room("ping")}/hag'><ping xmlns='urn:xmpp:ping'/></iq>`);
  expect(errorCondition(no)).toBe("not-acceptable");
});

it("relays an IQ between occupants without revealing either real JID (§17.4 rule 3)", async () => {
  const [crone, hag] = await pair("relay");
  const reply = hag.iq(`<iq type='get' to='${room("relay")}/crone'><query xmlns='jabber:iq:version'/></iq>`);
  const req = await crone.expect((e) => e.name === "iq" && e.attrs.type === "get", "the relayed request");
  expect(req.attrs.from).toBe(`${room("relay")}/hag`);
  crone.send(`<iq type='result' id='${req.attrs.id}' to='${req.attrs.from}'><query xmlns='jabber:iq:version'><name>broom</name></query></iq>`);
  const r = await reply;
  expect(r.attrs.type).toBe("result");
  expect(r.attrs.from).toBe(`${room("relay")}/crone`);
  expect(r.getChild("query")?.getChildText("name")).toBe("broom");
});
