/**
 * Subscriptions and presence between two of our servers over server-to-server links (dialback):
 * the same protocol as between local accounts, with every stanza for the contact leaving through
 * the router to the other server. RFC 6121 §3 (requests, approval, stored requests), §4.2–§4.5
 * (broadcast, probes, unavailable).
 */
import { TestDnsServer } from "../../lib/dns/test-support/dns-server";
import { rosterStoreOf } from "../../modules/roster/service";
import { startPeer, type Peer } from "../federation/support/peer";
import { isPresence, isPush, itemState, pushedItem, TestClient } from "./roster-support";

jest.setTimeout(30_000);

let dns: TestDnsServer;
let c: Peer;
let d: Peer;
const clients: TestClient[] = [];

async function online(peer: Peer, local: string, resource?: string): Promise<TestClient> {
  const u = await TestClient.connect({ host: peer.address, port: peer.c2sPort, domain: peer.domains[0] }, local, "pw", resource);
  clients.push(u);
  await u.rosterGet();
  await u.available();
  return u;
}

beforeAll(async () => {
  dns = await new TestDnsServer().start();
  c = await startPeer({ address: "127.0.0.14", domains: ["c.test"], dns, hostOptions: { "c.test": { s2s_insecure_domains: ["d.test"] } } });
  d = await startPeer({ address: "127.0.0.15", domains: ["d.test"], dns, hostOptions: { "d.test": { s2s_insecure_domains: ["c.test"] } } });
  for (const [peer, jid] of [[c, "carol@c.test"], [d, "dave@d.test"], [d, "erin@d.test"]] as const) await peer.addUser(jid, "pw");
});

afterAll(async () => {
  for (const u of clients) if (!u.closed) await u.disconnect();
  for (const p of [c, d]) await p?.stop();
  await dns?.stop();
});

it("subscribes both ways across servers, then broadcasts, probes and takes presence back", async () => {
  const carol = await online(c, "carol");
  const dave = await online(d, "dave");

  carol.presence({ to: dave.bare, type: "subscribe" }, "<status>carol here</status>");
  expect(itemState(pushedItem(await carol.waitFor(isPush(dave.bare), "the pending-out push")))).toEqual({ subscription: "none", ask: "subscribe" });
  const req = await dave.waitFor(isPresence("subscribe", carol.bare), "the request over s2s", 10_000);
  expect(req.getChildText("status")).toBe("carol here");

  dave.presence({ to: carol.bare, type: "subscribed" });
  expect(itemState(pushedItem(await dave.waitFor(isPush(carol.bare), "dave's push")))).toEqual({ subscription: "from" });
  expect(itemState(pushedItem(await carol.waitFor(isPush(dave.bare), "carol's push", 10_000)))).toEqual({ subscription: "to" });
  await carol.waitFor(isPresence("subscribed", dave.bare), "the approval");
  await carol.waitFor(isPresence(undefined, dave.full), "dave's presence after the approval");

  dave.presence({ to: carol.bare, type: "subscribe" });
  await carol.waitFor(isPresence("subscribe", dave.bare), "dave's request", 10_000);
  carol.presence({ to: dave.bare, type: "subscribed" });
  expect(itemState(pushedItem(await dave.waitFor((e) => isPush(carol.bare)(e) && pushedItem(e).attrs.subscription === "both", "dave's push", 10_000)))).toEqual({ subscription: "both" });
  await dave.waitFor(isPresence(undefined, carol.full), "carol's presence after the approval");

  // Updates and unavailable cross the link.
  dave.presence({}, "<show>away</show>");
  expect((await carol.waitFor((e) => isPresence(undefined, dave.full)(e) && e.getChildText("show") === "away", "dave's update", 10_000)).attrs.to).toBe(carol.bare);
  const carolFull = carol.full;
  await carol.disconnect();
  await dave.waitFor(isPresence("unavailable", carolFull), "carol's unavailable", 10_000);

  // A new resource probes: dave's server answers with his last presence.
  const again = await TestClient.connect({ host: c.address, port: c.c2sPort, domain: "c.test" }, "carol", "pw", "again");
  clients.push(again);
  again.presence();
  const seen = await again.waitFor(isPresence(undefined, dave.full), "the probe answer", 10_000);
  expect(seen.getChildText("show")).toBe("away");
  expect(seen.attrs.to).toBe(again.full);
  await dave.waitFor(isPresence(undefined, again.full), "carol's new resource's broadcast", 10_000);
});

it("keeps a request from another server for an offline account until it logs in", async () => {
  const carol = await online(c, "carol", "third");
  carol.presence({ to: "erin@d.test", type: "subscribe" });
  await carol.waitFor(isPush("erin@d.test"), "the pending-out push");
  // The request has to reach d.test before erin logs in; nothing tells carol when it has, so look.
  const store = rosterStoreOf(d.server.hosts.get("d.test")!)!;
  for (let i = 0; i < 100 && !(await store.read("erin"))?.pending.has("carol@c.test"); i++) await new Promise((r) => setTimeout(r, 50));
  const erin = await TestClient.connect({ host: d.address, port: d.c2sPort, domain: "d.test" }, "erin", "pw");
  clients.push(erin);
  await erin.rosterGet();
  erin.presence();
  await erin.waitFor(isPresence("subscribe", "carol@c.test"), "the stored request");
  await erin.expectNone(isPresence("subscribe"), "a second copy");
});
