/**
 * XEP-0237 roster versioning (RFC 6121 §2.6): the stream feature, empty results for an unchanged
 * roster, and for an older version either pushes of exactly what changed or the full roster.
 */
import type { Element } from "ltx";
import { el } from "../../lib/stanza";
import { startTestServer, TestServer } from "../support/harness";
import { fresh, isPush, postAuthFeatures, pushedItem, ROSTER, TestClient } from "./roster-support";

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(async () => ts?.stop());

async function user(): Promise<TestClient> {
  const local = fresh("user");
  await ts.addUser(local, "pw");
  return TestClient.login(ts, local, "pw");
}

const verOf = (r: Element) => r.getChild("query", ROSTER)?.attrs.ver as string | undefined;

it("advertises <ver xmlns='urn:xmpp:features:rosterver'/> after authentication", async () => {
  const local = fresh("user");
  await ts.addUser(local, "pw");
  const features = await postAuthFeatures(ts, local, "pw");
  expect(features.getChild("ver", "urn:xmpp:features:rosterver")).toBeDefined();
});

it("answers the current version with an empty result, and an empty ver with the full roster", async () => {
  const u = await user();
  await u.rosterSet(`a@${ts.domain}`);
  const full = await u.rosterGet("");
  const ver = verOf(full)!;
  expect(full.getChild("query", ROSTER)!.getChildren("item")).toHaveLength(1);
  const same = await u.rosterGet(ver);
  expect(same.attrs.type).toBe("result");
  expect(same.children.filter((c) => typeof c !== "string")).toHaveLength(0);
  await u.expectNone(isPush(), "pushes for an unchanged roster");
  await u.disconnect();
});

it("brings an older version up to date with pushes of exactly what changed since, in order", async () => {
  const u = await user();
  const [a, b, c, d] = ["a", "b", "c", "d"].map((x) => `${x}@${ts.domain}`);
  await u.rosterSet(a);
  await u.rosterSet(c);
  const old = verOf(await u.rosterGet(""))!;
  await u.rosterSet(b, { name: "B" });
  await u.rosterSet(a, { name: "A renamed" });
  await u.rosterSet(c, { remove: true });
  await u.rosterSet(d);
  await u.rosterSet(d, { remove: true }); // added and removed since: sent as a removal
  const current = verOf(await u.rosterGet(""))!;
  expect(current).not.toBe(old);
  u.clear();

  const r = await u.rosterGet(old);
  expect(r.children.filter((x) => typeof x !== "string")).toHaveLength(0);
  const pushes: Element[] = [];
  for (let i = 0; i < 4; i++) pushes.push(await u.waitFor(isPush(), `push ${i + 1}`));
  await u.expectNone(isPush(), "a push for something unchanged");
  const seen = pushes.map((p) => [pushedItem(p).attrs.jid, pushedItem(p).attrs.subscription, pushedItem(p).attrs.name]);
  expect(seen).toEqual([
    [b, "none", "B"],
    [a, "none", "A renamed"],
    [c, "remove", undefined],
    [d, "remove", undefined],
  ]);
  // Each push carries the version it brings the cache to; the last one is the current version.
  expect(verOf(pushes[3])).toBe(current);
  expect(new Set(pushes.map(verOf)).size).toBe(4);
  // And the pushes come after the result (the client knows what they apply to).
  expect((await u.rosterGet(current)).children.filter((x) => typeof x !== "string")).toHaveLength(0);
  await u.disconnect();
});

it("answers a version it did not issue with the full roster", async () => {
  const u = await user();
  const other = await user();
  await u.rosterSet(`a@${ts.domain}`);
  await other.rosterSet(`b@${ts.domain}`);
  const foreign = verOf(await other.rosterGet(""))!;
  for (const ver of ["garbage", foreign, "999999"]) {
    const r = await u.rosterGet(ver);
    expect(r.getChild("query", ROSTER)!.getChildren("item").map((i) => i.attrs.jid)).toEqual([`a@${ts.domain}`]);
  }
  await Promise.all([u.disconnect(), other.disconnect()]);
});

it("does not change the version for what a client cannot see (a pending request)", async () => {
  const u = await user();
  const ver = verOf(await u.rosterGet(""))!;
  void ts.server.router.post(el("presence", { type: "subscribe", from: "asker@elsewhere.example", to: u.bare }));
  await new Promise((r) => setTimeout(r, 50));
  expect(verOf(await u.rosterGet(""))).toBe(ver);
  await u.disconnect();
});

it("answers with the full roster when the changes since are too old to replay", async () => {
  const u = await user();
  await u.rosterSet(`keep@${ts.domain}`);
  const old = verOf(await u.rosterGet(""))!;
  // More removals than the server keeps tombstones for.
  for (let i = 0; i < 210; i++) await u.rosterSet(`gone${i}@${ts.domain}`);
  for (let i = 0; i < 210; i++) await u.rosterSet(`gone${i}@${ts.domain}`, { remove: true });
  u.clear();
  const r = await u.rosterGet(old);
  expect(r.getChild("query", ROSTER)!.getChildren("item").map((i) => i.attrs.jid)).toEqual([`keep@${ts.domain}`]);
  await u.expectNone(isPush(), "pushes after a full roster");
  await u.disconnect();
});

it("never matches a version cached for a deleted account that was created again", async () => {
  const local = fresh("user");
  await ts.addUser(local, "pw");
  const first = await TestClient.login(ts, local, "pw");
  await first.rosterSet(`a@${ts.domain}`);
  const ver = verOf(await first.rosterGet(""))!;
  await first.disconnect();
  await ts.server.accounts.delete(ts.domain, local);
  await ts.addUser(local, "pw");
  const again = await TestClient.login(ts, local, "pw");
  await again.rosterSet(`b@${ts.domain}`);
  const r = await again.rosterGet(ver);
  expect(r.getChild("query", ROSTER)!.getChildren("item").map((i) => i.attrs.jid)).toEqual([`b@${ts.domain}`]);
  await again.disconnect();
});
