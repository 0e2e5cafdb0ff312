/**
 * Persistent rooms survive a restart of the server (XEP-0045 §10.1.3, persistentroom): their
 * configuration, affiliations and subject come back from SQLite; temporary rooms do not.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestServer } from "../support/harness";
import { errorCondition, TestClient } from "../support/test-client";
import { configure, features, isSubject, item, join, NS_ADMIN, NS_DISCO_INFO, NS_MUC, SERVICE, startMucServer } from "./support";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "xmppd-muc-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const room = (r: string) => `${r}@${SERVICE}`;

it("keeps a persistent room's configuration, affiliations and subject across a restart", async () => {
  let ts: TestServer = await startMucServer({ storage: "sqlite", dir });
  await ts.addUser("crone", "pw-crone");
  await ts.addUser("hag", "pw-hag");
  await ts.addUser("wicca", "pw-wicca");
  let crone = await TestClient.login(ts, "crone", "pw-crone");
  await join(crone, "lasting", "crone");
  expect((await configure(crone, "lasting", { "muc#roomconfig_persistentroom": "1", "muc#roomconfig_membersonly": "1", "muc#roomconfig_roomname": "Lasting" })).attrs.type).toBe("result");
  expect((await crone.iq(`<iq type='set' to='${room("lasting")}'><query xmlns='${NS_ADMIN}'><item jid='hag@localhost' affiliation='member'/></query></iq>`)).attrs.type).toBe("result");
  crone.send(`<message to='${room("lasting")}' type='groupchat'><subject>Still here</subject></message>`);
  await crone.expect(isSubject(room("lasting")), "the subject change");
  await join(crone, "passing", "crone");
  await crone.disconnect();
  await ts.stop();

  ts = await startMucServer({ storage: "sqlite", dir });
  try {
    crone = await TestClient.login(ts, "crone", "pw-crone");
    const info = await crone.iq(`<iq type='get' to='${room("lasting")}'><query xmlns='${NS_DISCO_INFO}'/></iq>`);
    expect(info.attrs.type).toBe("result");
    expect(features(info)).toEqual(expect.arrayContaining(["muc_persistent", "muc_membersonly"]));
    expect(info.getChild("query")?.getChild("identity")?.attrs.name).toBe("Lasting");
    expect(errorCondition(await crone.iq(`<iq type='get' to='${room("passing")}'><query xmlns='${NS_DISCO_INFO}'/></iq>`))).toBe("item-not-found");

    // Crone is still owner; hag still a member; wicca still kept out.
    const self = await join(crone, "lasting", "crone");
    expect(item(self).affiliation).toBe("owner");
    const hag = await TestClient.login(ts, "hag", "pw-hag");
    hag.send(`<presence to='${room("lasting")}/hag'><x xmlns='${NS_MUC}'/></presence>`);
    const subject = await hag.expect(isSubject(room("lasting")), "the subject");
    expect(subject.getChildText("subject")).toBe("Still here");
    const wicca = await TestClient.login(ts, "wicca", "pw-wicca");
    wicca.send(`<presence to='${room("lasting")}/wicca'><x xmlns='${NS_MUC}'/></presence>`);
    expect(errorCondition(await wicca.expect((e) => e.name === "presence" && e.attrs.type === "error", "the refusal"))).toBe("registration-required");
    for (const c of [crone, hag, wicca]) await c.disconnect();
    // Persistent: still there with nobody in it.
    const check = await TestClient.login(ts, "wicca", "pw-wicca");
    expect((await check.iq(`<iq type='get' to='${room("lasting")}'><query xmlns='${NS_DISCO_INFO}'/></iq>`)).attrs.type).toBe("result");
    await check.disconnect();
  } finally {
    await ts.stop();
  }
});
