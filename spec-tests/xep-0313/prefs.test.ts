/**
 * Archiving preferences over real sockets: reading and setting them, and their effect on what is
 * archived (and so on which delivered messages carry a stanza-id).
 *
 * References:
 * - XEP-0441 §2.1 (get/set <prefs/>; both lists always present), §2.1.1 (always/never/roster),
 *   §2.3 (JID matching: bare entries cover every resource; 'to' of outgoing, 'from' of incoming)
 * - XEP-0313 §3.5 (no stanza-id on what was not archived)
 */
import type { Element } from "ltx";
import { startTestServer, TestServer } from "../support/harness";
import { errorCondition, TestClient } from "../support/test-client";
import { chat, Clients, freshUser, isBody, MAM, query, resultBodies, stanzaIds } from "./support";

let ts: TestServer;
const clients = new Clients(() => ts);

beforeAll(async () => {
  ts = await startTestServer();
});
afterEach(() => clients.disconnectAll());
afterAll(async () => ts?.stop());

const jids = (prefs: Element, list: string) => prefs.getChild(list)!.getChildren("jid").map((j) => j.getText());
const setPrefs = (c: TestClient, xml: string) => c.iq(`<iq type='set'>${xml}</iq>`);

it("§2.1: prefs start at the host default with empty lists, and a set is echoed as applied", async () => {
  const c = await clients.login(await freshUser(ts, "user"), "r");
  const initial = (await c.iq(`<iq type='get'><prefs xmlns='${MAM}'/></iq>`)).getChild("prefs", MAM)!;
  expect(initial.attrs.default).toBe("always");
  expect([jids(initial, "always"), jids(initial, "never")]).toEqual([[], []]);

  const set = await setPrefs(c, `<prefs xmlns='${MAM}' default='roster'><always><jid>Romeo@Localhost</jid></always><never><jid>tybalt@localhost/sword</jid><jid>romeo@localhost</jid></never></prefs>`);
  const applied = set.getChild("prefs", MAM)!;
  expect(applied.attrs.default).toBe("roster");
  expect(jids(applied, "always")).toEqual([]);
  expect(jids(applied, "never")).toEqual(["tybalt@localhost/sword", "romeo@localhost"]);
  const again = (await c.iq(`<iq type='get'><prefs xmlns='${MAM}'/></iq>`)).getChild("prefs", MAM)!;
  expect(again.toString()).toBe(applied.toString());

  expect(errorCondition(await setPrefs(c, `<prefs xmlns='${MAM}' default='sometimes'/>`))).toBe("bad-request");
  expect(errorCondition(await setPrefs(c, `<prefs xmlns='${MAM}' default='always'><never><jid>a@@b</jid></never></prefs>`))).toBe("jid-malformed");
});

it("§2.1.1: default 'never' with an 'always' list archives only that contact, in both directions", async () => {
  const [o, r, n] = [await freshUser(ts, "juliet"), await freshUser(ts, "romeo"), await freshUser(ts, "nurse")];
  const owner = await clients.login(o, "r");
  const romeo = await clients.login(r, "r");
  const nurse = await clients.login(n, "r");
  await setPrefs(owner, `<prefs xmlns='${MAM}' default='never'><always><jid>${romeo.bare}</jid></always></prefs>`);

  romeo.send(chat(owner.jid, "from romeo"));
  nurse.send(chat(owner.jid, "from nurse"));
  const fromRomeo = await owner.expect(isBody("from romeo"), "romeo's message");
  const fromNurse = await owner.expect(isBody("from nurse"), "the nurse's message");
  expect(stanzaIds(fromRomeo).map(([by]) => by)).toEqual([owner.bare]);
  expect(stanzaIds(fromNurse)).toEqual([]);
  owner.send(chat(romeo.jid, "to romeo"));
  owner.send(chat(nurse.jid, "to nurse"));
  await romeo.expect(isBody("to romeo"), "the reply to romeo");
  await nurse.expect(isBody("to nurse"), "the reply to the nurse");
  expect(resultBodies(await query(owner))).toEqual(["from romeo", "to romeo"]);
  // The contacts' own archives follow their own (default) preferences.
  expect(resultBodies(await query(nurse))).toEqual(["from nurse", "to nurse"]);
});

it("§2.3: a 'never' entry wins; a full-JID entry covers only that resource", async () => {
  const [o, r] = [await freshUser(ts, "juliet"), await freshUser(ts, "romeo")];
  const owner = await clients.login(o, "r");
  const orchard = await clients.login(r, "orchard");
  const garden = await clients.login(r, "garden");
  await setPrefs(owner, `<prefs xmlns='${MAM}' default='always'><never><jid>${orchard.jid}</jid></never></prefs>`);
  orchard.send(chat(owner.jid, "secret"));
  garden.send(chat(owner.jid, "public"));
  expect(stanzaIds(await owner.expect(isBody("secret"), "the secret"))).toEqual([]);
  await owner.expect(isBody("public"), "the public one");
  expect(resultBodies(await query(owner))).toEqual(["public"]);

  await setPrefs(owner, `<prefs xmlns='${MAM}' default='always'><never><jid>${orchard.bare}</jid></never></prefs>`);
  garden.send(chat(owner.jid, "now hidden"));
  await owner.expect(isBody("now hidden"), "the message");
  expect(resultBodies(await query(owner))).toEqual(["public"]);
});

it("§2.1.1: default 'roster' archives contacts in the roster only", async () => {
  const [o, r, s] = [await freshUser(ts, "juliet"), await freshUser(ts, "romeo"), await freshUser(ts, "stranger")];
  const owner = await clients.login(o, "r");
  const romeo = await clients.login(r, "r");
  const stranger = await clients.login(s, "r");
  expect((await owner.iq(`<iq type='set'><query xmlns='jabber:iq:roster'><item jid='${romeo.bare}'/></query></iq>`)).attrs.type).toBe("result");
  await setPrefs(owner, `<prefs xmlns='${MAM}' default='roster'/>`);
  romeo.send(chat(owner.jid, "from a contact"));
  stranger.send(chat(owner.jid, "from a stranger"));
  await owner.expect(isBody("from a contact"), "the contact's message");
  await owner.expect(isBody("from a stranger"), "the stranger's message");
  expect(resultBodies(await query(owner))).toEqual(["from a contact"]);
});

it("mam_default applies to accounts without preferences", async () => {
  const other = await startTestServer({ yaml: "mam_default: never" });
  try {
    await other.addUser("a", "pw");
    await other.addUser("b", "pw");
    const a = await TestClient.login(other, "a", "pw", { resource: "r" });
    const b = await TestClient.login(other, "b", "pw", { resource: "r" });
    try {
      a.send(chat(b.jid, "not kept"));
      expect(stanzaIds(await b.expect(isBody("not kept"), "the message"))).toEqual([]);
      expect((await query(b)).results).toEqual([]);
      expect((await b.iq(`<iq type='get'><prefs xmlns='${MAM}'/></iq>`)).getChild("prefs", MAM)!.attrs.default).toBe("never");
    } finally {
      await Promise.all([a.disconnect(), b.disconnect()]);
    }
  } finally {
    await other.stop();
  }
});
