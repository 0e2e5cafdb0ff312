/**
 * XEP-0045 over real sockets: creating and entering rooms (§7.2, §10.1), nickname conflicts and
 * changes (§7.2.8, §7.6), presence updates (§7.7), exits (§7.14), temporary rooms (§10.1.3
 * persistentroom off), and the unavailable presence the server sends for a client that drops
 * without leaving (RFC 6121 §4.6.3, XEP-0045 §7.14).
 */
import type { TestServer } from "../support/harness";
import { errorCondition } from "../support/test-client";
import { Clients, codes, errorFrom, isSubject, item, join, NS_DISCO_INFO, NS_MUC, presenceFrom, selfPresence, SERVICE, startMucServer } from "./support";

let ts: TestServer;
const clients = new Clients(() => ts);

beforeAll(async () => {
  ts = await startMucServer();
  for (const u of ["crone", "hag", "wicca", "hecate"]) await ts.addUser(u, `pw-${u}`);
});
afterEach(() => clients.closeAll());
afterAll(() => ts?.stop());

const room = (r: string) => `${r}@${SERVICE}`;

it("creates a room on first entry: the creator is owner and moderator, with 110 and 201 (§10.1.1)", async () => {
  const crone = await clients.login("crone", "desktop");
  crone.send(`<presence to='${room("coven")}/firstwitch' id='j1'><x xmlns='${NS_MUC}'/></presence>`);
  const self = await crone.expect(selfPresence(`${room("coven")}/firstwitch`), "self-presence");
  expect(codes(self)).toEqual([110, 201]);
  expect(item(self)).toMatchObject({ affiliation: "owner", role: "moderator" });
  expect(self.attrs.id).toBe("j1");
  // The subject ends the join, empty when none was set (§7.2.15).
  const subject = await crone.expect(isSubject(room("coven")), "the subject");
  expect(subject.getChildText("subject")).toBe("");
});

it("shows each occupant to the other, the newcomer's own presence last (§7.1, §7.2.2)", async () => {
  const crone = await clients.login("crone", "desktop");
  const hag = await clients.login("hag", "pda");
  await join(crone, "cave", "firstwitch");
  hag.send(`<presence to='${room("cave")}/thirdwitch'><x xmlns='${NS_MUC}'/></presence>`);
  const first = await hag.expect((e) => e.name === "presence", "the first presence");
  expect(first.attrs.from).toBe(`${room("cave")}/firstwitch`);
  expect(item(first)).toMatchObject({ affiliation: "owner", role: "moderator" });
  // Semi-anonymous by default: a participant does not see the owner's real JID (§7.2.4)...
  expect(item(first).jid).toBeUndefined();
  const self = await hag.expect(selfPresence(`${room("cave")}/thirdwitch`), "self-presence");
  expect(codes(self)).toEqual([110]);
  expect(item(self)).toMatchObject({ affiliation: "none", role: "participant" });
  // ...while the moderator sees the newcomer's full JID.
  const seen = await crone.expect(presenceFrom(`${room("cave")}/thirdwitch`), "the newcomer's presence");
  expect(item(seen)).toMatchObject({ affiliation: "none", role: "participant", jid: hag.jid });
  expect(codes(seen)).toEqual([]);
});

it("refuses a nickname in use by someone else with conflict (§7.2.8), whatever its case", async () => {
  const crone = await clients.login("crone");
  const hag = await clients.login("hag");
  await join(crone, "heath", "witch");
  for (const nick of ["witch", "WITCH"]) {
    hag.send(`<presence to='${room("heath")}/${nick}'><x xmlns='${NS_MUC}'/></presence>`);
    const err = await hag.expect(errorFrom("presence", `${room("heath")}/${nick}`), "the error");
    expect(errorCondition(err)).toBe("conflict");
    expect(err.getChild("x", NS_MUC)).toBeDefined();
  }
  await crone.expectNone(presenceFrom(`${room("heath")}/WITCH`), "presence from a refused nickname");
});

it("lets the same user share a nickname from a second client (§7.2.8)", async () => {
  const a = await clients.login("wicca", "laptop");
  const b = await clients.login("wicca", "phone");
  await join(a, "shared", "wicca");
  await join(b, "shared", "wicca");
  a.send(`<message to='${room("shared")}' type='groupchat'><body>both</body></message>`);
  for (const c of [a, b]) await c.expect((e) => e.name === "message" && e.getChildText("body") === "both", "the message on each client");
});

it("changes nickname: unavailable with 303 and the new nick, then available (§7.6)", async () => {
  const crone = await clients.login("crone");
  const hag = await clients.login("hag");
  await join(crone, "nicks", "crone");
  await join(hag, "nicks", "thirdwitch");
  await crone.expect(presenceFrom(`${room("nicks")}/thirdwitch`), "hag's join");
  hag.send(`<presence to='${room("nicks")}/oldhag'/>`);
  const gone = await crone.expect(presenceFrom(`${room("nicks")}/thirdwitch`, "unavailable"), "the old nick going");
  expect(codes(gone)).toEqual([303]);
  expect(item(gone).nick).toBe("oldhag");
  await crone.expect(presenceFrom(`${room("nicks")}/oldhag`), "the new nick");
  const selfGone = await hag.expect(selfPresence(`${room("nicks")}/thirdwitch`, "unavailable"), "own old nick");
  expect(codes(selfGone)).toEqual([110, 303]);
  await hag.expect(selfPresence(`${room("nicks")}/oldhag`), "own new nick");
  // The old nickname is free again; the new one is taken.
  hag.send(`<presence to='${room("nicks")}/crone'/>`);
  expect(errorCondition(await hag.expect(errorFrom("presence", `${room("nicks")}/crone`), "conflict"))).toBe("conflict");
});

it("broadcasts presence updates (§7.7)", async () => {
  const crone = await clients.login("crone");
  const hag = await clients.login("hag");
  await join(crone, "moods", "crone");
  await join(hag, "moods", "hag");
  hag.send(`<presence to='${room("moods")}/hag'><show>xa</show><status>gone where the goblins go</status></presence>`);
  const p = await crone.expect((e) => presenceFrom(`${room("moods")}/hag`)(e) && e.getChildText("show") === "xa", "the update");
  expect(p.getChildText("status")).toBe("gone where the goblins go");
  expect(item(p).role).toBe("participant");
});

it("leaves: unavailable with role none, 110 to the one leaving, its status text to the others (§7.14)", async () => {
  const crone = await clients.login("crone");
  const hag = await clients.login("hag");
  await join(crone, "exit", "crone");
  await join(hag, "exit", "hag");
  hag.send(`<presence to='${room("exit")}/hag' type='unavailable'><status>bye</status></presence>`);
  const self = await hag.expect(selfPresence(`${room("exit")}/hag`, "unavailable"), "own exit");
  expect(item(self).role).toBe("none");
  const seen = await crone.expect(presenceFrom(`${room("exit")}/hag`, "unavailable"), "hag leaving");
  expect(item(seen)).toMatchObject({ role: "none", affiliation: "none" });
  expect(codes(seen)).toEqual([]);
  expect(seen.getChildText("status")).toBe("bye");
});

it("destroys a temporary room when its last occupant leaves", async () => {
  const crone = await clients.login("crone");
  await join(crone, "fleeting", "crone");
  const before = await crone.iq(`<iq type='get' to='${room("fleeting")}'><query xmlns='${NS_DISCO_INFO}'/></iq>`);
  expect(before.attrs.type).toBe("result");
  crone.send(`<presence to='${room("fleeting")}/crone' type='unavailable'/>`);
  await crone.expect(selfPresence(`${room("fleeting")}/crone`, "unavailable"), "own exit");
  const after = await crone.iq(`<iq type='get' to='${room("fleeting")}'><query xmlns='${NS_DISCO_INFO}'/></iq>`);
  expect(errorCondition(after)).toBe("item-not-found");
});

it("removes an occupant whose client disconnects without leaving: the others see it go", async () => {
  const crone = await clients.login("crone");
  const hag = await clients.login("hag", "flaky");
  await join(crone, "ghosts", "crone");
  await join(hag, "ghosts", "hag");
  await crone.expect(presenceFrom(`${room("ghosts")}/hag`), "hag's join");
  await hag.disconnect();
  const gone = await crone.expect(presenceFrom(`${room("ghosts")}/hag`, "unavailable"), "hag's unavailable");
  expect(item(gone).role).toBe("none");
  // The nickname is free again.
  const hag2 = await clients.login("hag", "again");
  await join(hag2, "ghosts", "hag");
});

it("answers presence without the MUC extension from a non-occupant with a kick: 110, 307, 333 (§7.2.18)", async () => {
  const crone = await clients.login("crone");
  crone.send(`<presence to='${room("legacy")}/crone'/>`);
  const kick = await crone.expect(presenceFrom(`${room("legacy")}/crone`, "unavailable"), "the kick");
  expect(codes(kick)).toEqual([110, 307, 333]);
});

it("refuses a join without a nickname with jid-malformed (§7.2.1)", async () => {
  const crone = await clients.login("crone");
  crone.send(`<presence to='${room("nonick")}'><x xmlns='${NS_MUC}'/></presence>`);
  expect(errorCondition(await crone.expect(errorFrom("presence", room("nonick")), "the error"))).toBe("jid-malformed");
});
