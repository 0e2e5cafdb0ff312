/**
 * XEP-0045 administration over real sockets: kick (§8.2), ban and the ban list (§9.1–§9.2),
 * membership and members-only rooms (§7.2.6, §9.3–§9.5), passwords (§7.2.5), the owner's
 * configuration form (§10.1–§10.2), destruction (§10.9), and reserved rooms locked until
 * configured (§10.1.3, §7.2.10; option muc_room_locking).
 */
import type { Element } from "ltx";
import type { TestServer } from "../support/harness";
import { errorCondition, TestClient } from "../support/test-client";
import {
  Clients, codes, configure, errorFrom, features, instant, item, join, NS_ADMIN, NS_DATA, NS_DISCO_INFO, NS_MUC, NS_OWNER, NS_USER, presenceFrom, selfPresence, SERVICE, startMucServer,
} from "./support";

let ts: TestServer;
const clients = new Clients(() => ts);

beforeAll(async () => {
  ts = await startMucServer();
  for (const u of ["crone", "hag", "wicca", "hecate"]) await ts.addUser(u, `pw-${u}`);
});
afterEach(() => clients.closeAll());
afterAll(() => ts?.stop());

const room = (r: string) => `${r}@${SERVICE}`;
const admin = (r: string, items: string) => `<iq type='set' to='${room(r)}'><query xmlns='${NS_ADMIN}'>${items}</query></iq>`;
const enterError = async (c: TestClient, r: string, nick: string, x = "") => {
  c.send(`<presence to='${room(r)}/${nick}'><x xmlns='${NS_MUC}'>${x}</x></presence>`);
  return errorCondition(await c.expect(errorFrom("presence", `${room(r)}/${nick}`), "the refusal"));
};
const field = (form: Element | undefined, name: string) => form?.getChildren("field").find((f) => f.attrs.var === name)?.getChildText("value");

async function trio(r: string): Promise<[TestClient, TestClient, TestClient]> {
  const crone = await clients.login("crone");
  const hag = await clients.login("hag");
  const wicca = await clients.login("wicca");
  await join(crone, r, "crone");
  await join(hag, r, "hag");
  await join(wicca, r, "wicca");
  await crone.expect(presenceFrom(`${room(r)}/wicca`), "wicca's join");
  return [crone, hag, wicca];
}

it("kicks: 307 to the kicked (110) and to the others, result to the owner; the kicked may return (§8.2)", async () => {
  const [crone, hag, wicca] = await trio("kick");
  const r = await crone.iq(admin("kick", `<item nick='hag' role='none'><reason>Avaunt</reason></item>`));
  expect(r.attrs.type).toBe("result");
  const self = await hag.expect(selfPresence(`${room("kick")}/hag`, "unavailable"), "the kick");
  expect(codes(self)).toEqual([110, 307]);
  expect(self.getChild("x", NS_USER)?.getChild("item")?.getChildText("reason")).toBe("Avaunt");
  expect(self.getChild("x", NS_USER)?.getChild("item")?.getChild("actor")?.attrs.nick).toBe("crone");
  const seen = await wicca.expect(presenceFrom(`${room("kick")}/hag`, "unavailable"), "the kick seen");
  expect(codes(seen)).toEqual([307]);
  await join(hag, "kick", "hag");
});

it("refuses a kick from a participant with forbidden, and of an owner by a lower affiliation with not-allowed (§8.2)", async () => {
  const [crone, hag] = await trio("nokick");
  expect(errorCondition(await hag.iq(admin("nokick", `<item nick='wicca' role='none'/>`)))).toBe("forbidden");
  // Make hag a moderator by making her an admin; an admin still cannot kick the owner.
  expect((await crone.iq(admin("nokick", `<item jid='hag@localhost' affiliation='admin'/>`))).attrs.type).toBe("result");
  const promoted = await hag.expect((e) => selfPresence(`${room("nokick")}/hag`)(e) && item(e).affiliation === "admin", "the promotion");
  expect(item(promoted).role).toBe("moderator");
  expect(errorCondition(await hag.iq(admin("nokick", `<item nick='crone' role='none'/>`)))).toBe("not-allowed");
});

it("bans by bare JID: 301, the outcast cannot return (forbidden), and the ban list shows it (§9.1–§9.2)", async () => {
  const [crone, hag, wicca] = await trio("ban");
  const r = await crone.iq(admin("ban", `<item jid='hag@localhost' affiliation='outcast'><reason>Treason</reason></item>`));
  expect(r.attrs.type).toBe("result");
  const self = await hag.expect(selfPresence(`${room("ban")}/hag`, "unavailable"), "the ban");
  expect(codes(self)).toEqual([110, 301]);
  expect(item(self)).toMatchObject({ affiliation: "outcast", role: "none" });
  expect(codes(await wicca.expect(presenceFrom(`${room("ban")}/hag`, "unavailable"), "the ban seen"))).toEqual([301]);
  expect(await enterError(hag, "ban", "hag-again")).toBe("forbidden");
  const list = await crone.iq(`<iq type='get' to='${room("ban")}'><query xmlns='${NS_ADMIN}'><item affiliation='outcast'/></query></iq>`);
  const items = list.getChild("query")!.getChildren("item");
  expect(items.map((i) => [i.attrs.jid, i.attrs.affiliation, i.getChildText("reason")])).toEqual([["hag@localhost", "outcast", "Treason"]]);
  expect(errorCondition(await wicca.iq(`<iq type='get' to='${room("ban")}'><query xmlns='${NS_ADMIN}'><item affiliation='outcast'/></query></iq>`))).toBe("forbidden");
  expect(errorCondition(await crone.iq(admin("ban", `<item jid='crone@localhost' affiliation='outcast'/>`)))).toBe("conflict");
});

it("keeps a members-only room to members: registration-required, then entry once added (§7.2.6, §9.3)", async () => {
  const crone = await clients.login("crone");
  const hag = await clients.login("hag");
  await join(crone, "members", "crone");
  expect((await configure(crone, "members", { "muc#roomconfig_membersonly": "1" })).attrs.type).toBe("result");
  expect(await enterError(hag, "members", "hag")).toBe("registration-required");
  expect((await crone.iq(admin("members", `<item jid='hag@localhost' affiliation='member'/>`))).attrs.type).toBe("result");
  const self = await join(hag, "members", "hag");
  expect(item(self).affiliation).toBe("member");
  // Revoking membership removes her with 321 (§9.4).
  await crone.iq(admin("members", `<item jid='hag@localhost' affiliation='none'/>`));
  expect(codes(await hag.expect(selfPresence(`${room("members")}/hag`, "unavailable"), "the removal"))).toEqual([110, 321]);
});

it("asks for the password of a password-protected room: not-authorized, then entry with it (§7.2.5)", async () => {
  const crone = await clients.login("crone");
  const hag = await clients.login("hag");
  await join(crone, "secret", "crone");
  expect((await configure(crone, "secret", { "muc#roomconfig_passwordprotectedroom": "1", "muc#roomconfig_roomsecret": "cauldronburn" })).attrs.type).toBe("result");
  expect(await enterError(hag, "secret", "hag")).toBe("not-authorized");
  expect(await enterError(hag, "secret", "hag", "<password>wrong</password>")).toBe("not-authorized");
  await join(hag, "secret", "hag", "<password>cauldronburn</password>");
  // The password travels to the room only: the others' view of hag's presence does not carry it.
  const seen = await crone.expect(presenceFrom(`${room("secret")}/hag`), "hag's presence");
  expect(seen.toString()).not.toContain("cauldronburn");
  const info = await hag.iq(`<iq type='get' to='${room("secret")}'><query xmlns='${NS_DISCO_INFO}'/></iq>`);
  expect(features(info)).toContain("muc_passwordprotected");
});

it("relays a mediated invitation; in a members-only room the invitee becomes a member (§7.8.2)", async () => {
  const crone = await clients.login("crone");
  const hecate = await clients.login("hecate");
  // Available, so a message to her bare JID is delivered rather than stored offline.
  hecate.send("<presence/>");
  await hecate.expect((e) => e.name === "presence" && e.attrs.from === hecate.jid, "own presence");
  await join(crone, "invites", "crone");
  await configure(crone, "invites", { "muc#roomconfig_membersonly": "1" });
  crone.send(`<message to='${room("invites")}'><x xmlns='${NS_USER}'><invite to='hecate@localhost'><reason>Join us</reason></invite></x></message>`);
  const m = await hecate.expect((e) => e.name === "message" && e.attrs.from === room("invites"), "the invitation");
  const invite = m.getChild("x", NS_USER)?.getChild("invite");
  expect(invite?.attrs.from).toBe("crone@localhost");
  expect(invite?.getChildText("reason")).toBe("Join us");
  const self = await join(hecate, "invites", "hecate");
  expect(item(self).affiliation).toBe("member");
  // A mere member may not invite others to a members-only room.
  hecate.send(`<message to='${room("invites")}'><x xmlns='${NS_USER}'><invite to='wicca@localhost'/></x></message>`);
  expect(errorCondition(await hecate.expect(errorFrom("message", room("invites")), "the refusal"))).toBe("forbidden");
});

it("serves the configuration form to the owner only, and applies a submission (§10.2)", async () => {
  const crone = await clients.login("crone");
  const hag = await clients.login("hag");
  await join(crone, "config", "crone");
  await join(hag, "config", "hag");
  const form = await crone.iq(`<iq type='get' to='${room("config")}'><query xmlns='${NS_OWNER}'/></iq>`);
  const x = form.getChild("query", NS_OWNER)?.getChild("x", NS_DATA);
  expect(x?.attrs.type).toBe("form");
  expect(field(x, "FORM_TYPE")).toBe("http://jabber.org/protocol/muc#roomconfig");
  for (const f of ["muc#roomconfig_roomname", "muc#roomconfig_roomdesc", "muc#roomconfig_persistentroom", "muc#roomconfig_publicroom", "muc#roomconfig_membersonly",
    "muc#roomconfig_moderatedroom", "muc#roomconfig_passwordprotectedroom", "muc#roomconfig_roomsecret", "muc#roomconfig_whois", "muc#roomconfig_maxusers", "muc#roomconfig_changesubject"]) {
    expect(x?.getChildren("field").map((e) => e.attrs.var)).toContain(f);
  }
  expect(errorCondition(await hag.iq(`<iq type='get' to='${room("config")}'><query xmlns='${NS_OWNER}'/></iq>`))).toBe("forbidden");
  expect(errorCondition(await configure(hag, "config", { "muc#roomconfig_roomname": "Mine" }))).toBe("forbidden");

  const r = await configure(crone, "config", { "muc#roomconfig_roomname": "A Dark Cave", "muc#roomconfig_whois": "anyone" });
  expect(r.attrs.type).toBe("result");
  // Occupants hear that the room is now non-anonymous (172, §10.2.1).
  const notice = await hag.expect((e) => e.name === "message" && e.attrs.from === room("config") && !!e.getChild("x", NS_USER), "the notice");
  expect(codes(notice)).toEqual([104, 172]);
  const again = await crone.iq(`<iq type='get' to='${room("config")}'><query xmlns='${NS_OWNER}'/></iq>`);
  const x2 = again.getChild("query", NS_OWNER)?.getChild("x", NS_DATA);
  expect(field(x2, "muc#roomconfig_roomname")).toBe("A Dark Cave");
  expect(field(x2, "muc#roomconfig_whois")).toBe("anyone");
  expect(errorCondition(await configure(crone, "config", { "muc#roomconfig_maxusers": "-3" }))).toBe("not-acceptable");
});

it("destroys a room at the owner's request: every occupant gets <destroy/> (§10.9)", async () => {
  const [crone, hag] = await trio("doomed");
  expect(errorCondition(await hag.iq(`<iq type='set' to='${room("doomed")}'><query xmlns='${NS_OWNER}'><destroy/></query></iq>`))).toBe("forbidden");
  const r = await crone.iq(`<iq type='set' to='${room("doomed")}'><query xmlns='${NS_OWNER}'><destroy jid='${room("elsewhere")}'><reason>Macbeth doth come.</reason></destroy></query></iq>`);
  expect(r.attrs.type).toBe("result");
  const p = await hag.expect(presenceFrom(`${room("doomed")}/hag`, "unavailable"), "the destruction");
  const destroy = p.getChild("x", NS_USER)?.getChild("destroy");
  expect(destroy?.attrs.jid).toBe(room("elsewhere"));
  expect(destroy?.getChildText("reason")).toBe("Macbeth doth come.");
  const info = await crone.iq(`<iq type='get' to='${room("doomed")}'><query xmlns='${NS_DISCO_INFO}'/></iq>`);
  expect(errorCondition(info)).toBe("item-not-found");
});

describe("with muc_room_locking", () => {
  let locked: TestServer;
  beforeAll(async () => {
    locked = await startMucServer({ muc: { muc_room_locking: true } });
    for (const u of ["crone", "hag"]) await locked.addUser(u, `pw-${u}`);
  });
  afterAll(() => locked?.stop());

  it("keeps a new room locked (item-not-found) until the owner configures it (§10.1.1, §7.2.10)", async () => {
    const crone = await TestClient.login(locked, "crone", "pw-crone");
    const hag = await TestClient.login(locked, "hag", "pw-hag");
    try {
      crone.send(`<presence to='${room("reserved")}/crone'><x xmlns='${NS_MUC}'/></presence>`);
      expect(codes(await crone.expect(selfPresence(`${room("reserved")}/crone`), "creation"))).toEqual([110, 201]);
      expect(await enterError(hag, "reserved", "hag")).toBe("item-not-found");
      await instant(crone, "reserved");
      await join(hag, "reserved", "hag");
    } finally {
      await crone.disconnect();
      await hag.disconnect();
    }
  });
});
