/**
 * XEP-0045 §6 over real sockets: the server lists the MUC service among its items (XEP-0030 §4,
 * §6.1), the service's identity and features (§6.2), public rooms as items (§6.3), a room's
 * features and muc#roominfo form (§6.4), and empty room items (§6.5).
 */
import type { Element } from "ltx";
import type { TestServer } from "../support/harness";
import { errorCondition } from "../support/test-client";
import { Clients, configure, features, join, NS_DATA, NS_DISCO_INFO, NS_DISCO_ITEMS, SERVICE, startMucServer } from "./support";

let ts: TestServer;
const clients = new Clients(() => ts);

beforeAll(async () => {
  ts = await startMucServer({ muc: { muc_service_name: "Witches' Chat" } });
  await ts.addUser("crone", "pw-crone");
});
afterEach(() => clients.closeAll());
afterAll(() => ts?.stop());

const info = (to: string, node?: string) => `<iq type='get' to='${to}'><query xmlns='${NS_DISCO_INFO}'${node ? ` node='${node}'` : ""}/></iq>`;
const items = (to: string) => `<iq type='get' to='${to}'><query xmlns='${NS_DISCO_ITEMS}'/></iq>`;
const itemJids = (r: Element) => (r.getChild("query")?.getChildren("item") ?? []).map((i) => i.attrs.jid);
const formField = (r: Element, name: string) =>
  r.getChild("query")?.getChild("x", NS_DATA)?.getChildren("field").find((f) => f.attrs.var === name)?.getChildText("value");

it("lists the MUC service in the server's disco#items (XEP-0030 §4, XEP-0045 §6.1)", async () => {
  const c = await clients.login("crone");
  const r = await c.iq(items("localhost"));
  const item = r.getChild("query")?.getChildren("item").find((i) => i.attrs.jid === SERVICE);
  expect(item?.attrs.name).toBe("Witches' Chat");
});

it("answers disco#info for the service: conference/text and the MUC feature (§6.2)", async () => {
  const c = await clients.login("crone");
  const r = await c.iq(info(SERVICE));
  const identity = r.getChild("query")?.getChild("identity");
  expect(identity?.attrs).toMatchObject({ category: "conference", type: "text", name: "Witches' Chat" });
  expect(features(r)).toEqual(expect.arrayContaining(["http://jabber.org/protocol/muc", NS_DISCO_INFO, NS_DISCO_ITEMS, "urn:xmpp:occupant-id:0"]));
});

it("lists public rooms and hides hidden ones (§6.3)", async () => {
  const c = await clients.login("crone");
  await join(c, "open", "crone");
  await join(c, "hidden", "crone");
  expect((await configure(c, "open", { "muc#roomconfig_roomname": "The Open Heath" })).attrs.type).toBe("result");
  expect((await configure(c, "hidden", { "muc#roomconfig_publicroom": "0" })).attrs.type).toBe("result");
  const r = await c.iq(items(SERVICE));
  expect(itemJids(r)).toContain(`open@${SERVICE}`);
  expect(itemJids(r)).not.toContain(`hidden@${SERVICE}`);
  expect(r.getChild("query")?.getChildren("item").find((i) => i.attrs.jid === `open@${SERVICE}`)?.attrs.name).toBe("The Open Heath");
});

it("describes a room: identity, muc_* features and a muc#roominfo form (§6.4); no items (§6.5)", async () => {
  const c = await clients.login("crone");
  await join(c, "described", "crone");
  await configure(c, "described", { "muc#roomconfig_roomname": "A Dark Cave", "muc#roomconfig_roomdesc": "For witches", "muc#roomconfig_persistentroom": "1", "muc#roomconfig_membersonly": "1" });
  const r = await c.iq(info(`described@${SERVICE}`));
  expect(r.getChild("query")?.getChild("identity")?.attrs).toMatchObject({ category: "conference", type: "text", name: "A Dark Cave" });
  expect(features(r)).toEqual(expect.arrayContaining([
    "http://jabber.org/protocol/muc", "muc_public", "muc_persistent", "muc_membersonly", "muc_unmoderated", "muc_semianonymous", "muc_unsecured",
    "urn:xmpp:occupant-id:0", "http://jabber.org/protocol/muc#stable_id", "http://jabber.org/protocol/muc#self-ping-optimization",
  ]));
  expect(features(r)).not.toContain("muc_temporary");
  expect(formField(r, "FORM_TYPE")).toBe("http://jabber.org/protocol/muc#roominfo");
  expect(formField(r, "muc#roominfo_description")).toBe("For witches");
  expect(formField(r, "muc#roominfo_occupants")).toBe("1");
  const empty = await c.iq(items(`described@${SERVICE}`));
  expect(empty.attrs.type).toBe("result");
  expect(itemJids(empty)).toEqual([]);
});

it("answers item-not-found for a room that does not exist and for unknown nodes", async () => {
  const c = await clients.login("crone");
  expect(errorCondition(await c.iq(info(`nosuch@${SERVICE}`)))).toBe("item-not-found");
  await join(c, "nodes", "crone");
  expect(errorCondition(await c.iq(info(`nodes@${SERVICE}`, "urn:nowhere")))).toBe("item-not-found");
  const own = await c.iq(info(`nodes@${SERVICE}`, "x-roomuser-item"));
  expect(own.attrs.type).toBe("result");
});
