/**
 * XEP-0030 §3.1 on an account's bare JID: a contact subscribed to the account's presence sees its
 * identities and features (PEP, MAM...); anyone else gets service-unavailable, existing or not.
 */
import { startTestServer, TestServer } from "../support/harness";
import { errorCondition, TestClient } from "../support/test-client";

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
  for (const u of ["owner", "friend", "stranger"]) await ts.addUser(u, "pw");
});
afterAll(async () => ts?.stop());

const info = (c: TestClient, to: string) => c.iq(`<iq type='get' to='${to}'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`);

it("shows the account to a subscribed contact and hides it from others", async () => {
  const owner = await TestClient.login(ts, "owner", "pw", { resource: "o" });
  const friend = await TestClient.login(ts, "friend", "pw", { resource: "f" });
  const stranger = await TestClient.login(ts, "stranger", "pw", { resource: "s" });
  for (const c of [owner, friend]) {
    c.send("<presence/>");
    await c.expect((e) => e.name === "presence" && e.attrs.from === c.jid, "own presence");
  }
  expect(errorCondition(await info(friend, owner.bare))).toBe("service-unavailable");

  friend.send(`<presence to='${owner.bare}' type='subscribe'/>`);
  await owner.expect((e) => e.name === "presence" && e.attrs.type === "subscribe", "the request");
  owner.send(`<presence to='${friend.bare}' type='subscribed'/>`);
  await friend.expect((e) => e.name === "presence" && e.attrs.from === owner.jid, "the owner's presence");

  const r = await info(friend, owner.bare);
  expect(r.attrs.type).toBe("result");
  const q = r.getChild("query")!;
  expect(q.getChildren("identity").map((i) => `${i.attrs.category}/${i.attrs.type}`)).toEqual(expect.arrayContaining(["account/registered", "pubsub/pep"]));
  expect(q.getChildren("feature").map((f) => f.attrs.var)).toContain("urn:xmpp:mam:2");

  expect(errorCondition(await info(stranger, owner.bare))).toBe("service-unavailable");
  expect(errorCondition(await info(stranger, `nobody@${ts.domain}`))).toBe("service-unavailable");
  await Promise.all([owner.disconnect(), friend.disconnect(), stranger.disconnect()]);
});
