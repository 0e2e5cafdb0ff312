/**
 * XEP-0163 PEP notifications and access: who hears of a publish, a retract, a delete; who may
 * read; the last item for a resource that comes online; entity-capabilities filtering and its
 * cache.
 * XEP-0163 §4 (§4.1 auto-subscribe, §4.2 filtering, §4.3.1-§4.3.4), XEP-0060 §4.5, §6.1, §6.2,
 * §6.5.9, §7.2.2.1, §8.4.2; XEP-0115 §5.4.
 */
import { startTestServer, TestServer } from "../support/harness";
import { EVENT, befriend, errorOf, eventItems, expectResult, isDiscoQuery, isEvent, makeCaps, NICK, OWNER, PepClient, pepLogin, pepUser, publishIq, pubsub, PUBSUB, settle, TUNE, tune } from "./pep-support";

describe("XEP-0163 PEP: notifications and access", () => {
  let ts: TestServer;
  const clients: PepClient[] = [];
  const user = async (prefix: string, notify?: string[], opts = {}) => {
    const u = await pepUser(ts, prefix, notify, opts);
    clients.push(u);
    return u;
  };
  const login = async (local: string, opts: Parameters<typeof pepLogin>[2]) => {
    const u = await pepLogin(ts, local, opts);
    clients.push(u);
    return u;
  };
  beforeAll(async () => {
    ts = await startTestServer();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((u) => u.c.disconnect().catch(() => undefined)));
  });
  afterAll(async () => ts?.stop());

  const owner = (u: PepClient) => u.c.bare;

  it("§4: a subscriber whose caps ask for the node is notified; one without that interest, and a non-subscriber, are not", async () => {
    const alice = await user("alice", [TUNE]);
    const bob = await user("bob", [TUNE, NICK]);
    const carol = await user("carol", [NICK]);
    const dave = await user("dave", [TUNE]);
    await befriend(alice, bob);
    await befriend(alice, carol);
    // Dave shares his presence (and caps) with Alice, but has no subscription to hers.
    dave.c.presence({ to: alice.c.bare }, dave.caps!.element);
    await settle();
    dave.c.clear();

    expectResult(await alice.c.iq("set", publishIq(TUNE, tune("Finzi"), { id: "t1" })));
    const ev = await bob.c.waitFor(isEvent(owner(alice), TUNE), "the tune notification");
    expect(ev.attrs.to).toBe(bob.c.full);
    expect(ev.attrs.type).toBe("headline");
    const items = eventItems(ev);
    expect(items.map((i) => i.attrs.id)).toEqual(["t1"]);
    expect(items[0].getChild("tune", TUNE)?.getChildText("title")).toBe("Finzi");
    // The owner's own interested resource hears of it too (§4 item 3).
    await alice.c.waitFor(isEvent(owner(alice), TUNE), "the owner's own notification");
    await carol.c.expectNone(isEvent(owner(alice), TUNE), "a notification without +notify interest");
    await dave.c.expectNone(isEvent(owner(alice), TUNE), "a notification for a non-subscriber");
  });

  it("§4.3.2: resources that are unavailable or have negative priority get nothing; each interested resource gets its own", async () => {
    const alice = await user("alice");
    const bob = await user("bob", [TUNE]);
    await befriend(alice, bob);
    const bob2 = await login(bob.local, { caps: bob.caps, resource: "second", expectQuery: false });
    const bobNeg = await login(bob.local, { caps: bob.caps, resource: "negative", priority: -1, expectQuery: false });
    const bobGone = await login(bob.local, { caps: bob.caps, resource: "gone", expectQuery: false });
    bobGone.c.presence({ type: "unavailable" });
    await settle();
    expectResult(await alice.c.iq("set", publishIq(TUNE, tune("Holst"))));
    await bob.c.waitFor(isEvent(owner(alice), TUNE), "the notification at the first resource");
    // Known caps (verified before) need no new query, yet the second resource is notified.
    await bob2.c.waitFor(isEvent(owner(alice), TUNE), "the notification at the second resource");
    expect(bob2.disco.answered).toBe(0);
    await bobNeg.c.expectNone(isEvent(owner(alice), TUNE), "a notification at negative priority");
    await bobGone.c.expectNone(isEvent(owner(alice), TUNE), "a notification at an unavailable resource");
  });

  it("§4.3.3, §4.3.4: a subscriber's resource that becomes available gets the last item (with delay), for nodes it wants only", async () => {
    const alice = await user("alice");
    const bob = await user("bob", [NICK]);
    await befriend(alice, bob);
    expectResult(await alice.c.iq("set", publishIq(TUNE, tune("Elgar"), { id: "last" })));
    expectResult(await alice.c.iq("set", publishIq(NICK, "<nick xmlns='http://jabber.org/protocol/nick'>Alice</nick>")));
    expectResult(await alice.c.iq("set", publishIq("urn:test:private", "<x xmlns='urn:test'/>", { options: { "pubsub#access_model": "whitelist" } })));
    await bob.c.waitFor(isEvent(owner(alice), NICK), "the nick notification");
    const laptop = await login(bob.local, { notify: [TUNE, "urn:test:private"], resource: "laptop", expectQuery: true });
    const ev = await laptop.c.waitFor(isEvent(owner(alice), TUNE), "the last tune item");
    expect(ev.attrs.to).toBe(laptop.c.full);
    expect(eventItems(ev).map((i) => i.attrs.id)).toEqual(["last"]);
    expect(ev.getChild("delay", "urn:xmpp:delay")?.attrs.stamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    await laptop.c.expectNone(isEvent(owner(alice), NICK), "an item the resource did not ask for");
    await laptop.c.expectNone(isEvent(owner(alice), "urn:test:private"), "an item of a whitelist node");
    // The first resource did not come online again: it gets nothing more.
    await bob.c.expectNone(isEvent(owner(alice), TUNE), "the tune item at a resource without interest");
    // The owner's own new resource gets its last items too, whitelist nodes included.
    const alice2 = await login(alice.local, { notify: [TUNE, "urn:test:private"], resource: "phone" });
    await alice2.c.waitFor(isEvent(owner(alice), TUNE), "the owner's last tune item");
    await alice2.c.waitFor(isEvent(owner(alice), "urn:test:private"), "the owner's last private item");
  });

  it("XEP-0060 §4.5: open nodes are readable by anyone, presence nodes by subscribers, whitelist nodes by the owner only", async () => {
    const alice = await user("alice");
    const bob = await user("bob", ["urn:test:wl"]);
    const dave = await user("dave");
    await befriend(alice, bob);
    const publish = (node: string, access: string) =>
      alice.c.iq("set", publishIq(node, "<x xmlns='urn:test'/>", { id: "1", options: { "pubsub#access_model": access } }));
    expectResult(await publish("urn:test:open", "open"));
    expectResult(await publish("urn:test:presence", "presence"));
    expectResult(await publish("urn:test:wl", "whitelist"));
    const read = (c: PepClient, node: string) => c.c.iq("get", pubsub(`<items node='${node}'/>`), alice.c.bare);
    for (const c of [bob, dave]) expectResult(await read(c, "urn:test:open"));
    expectResult(await read(bob, "urn:test:presence"));
    expect(errorOf(await read(dave, "urn:test:presence"))).toEqual(["not-authorized", "presence-subscription-required"]);
    expect(errorOf(await read(bob, "urn:test:wl"))).toEqual(["not-allowed", "closed-node"]);
    expect(errorOf(await read(dave, "urn:test:wl"))).toEqual(["not-allowed", "closed-node"]);
    // A subscriber interested in a whitelist node is still not notified of it.
    expectResult(await publish("urn:test:wl", "whitelist"));
    await bob.c.expectNone(isEvent(owner(alice), "urn:test:wl"), "a whitelist notification");
    // Node discovery shows each what it may see.
    const nodes = async (c: PepClient) =>
      expectResult(await c.c.iq("get", "<query xmlns='http://jabber.org/protocol/disco#items'/>", alice.c.bare)).getChild("query")!.getChildren("item").map((i) => i.attrs.node).sort();
    expect(await nodes(bob)).toEqual(["urn:test:open", "urn:test:presence"]);
    expect(await nodes(dave)).toEqual(["urn:test:open"]);
    expect(await nodes(alice)).toEqual(["urn:test:open", "urn:test:presence", "urn:test:wl"]);
    const info = await dave.c.iq("get", "<query xmlns='http://jabber.org/protocol/disco#info' node='urn:test:open'/>", alice.c.bare);
    expect(expectResult(info).getChild("query")!.getChild("identity")!.attrs).toMatchObject({ category: "pubsub", type: "leaf" });
    expect(errorOf(await dave.c.iq("get", "<query xmlns='http://jabber.org/protocol/disco#info' node='urn:test:wl'/>", alice.c.bare))[0]).toBe("item-not-found");
    // An account without such a node looks the same as one without the account.
    expect(errorOf(await dave.c.iq("get", pubsub("<items node='urn:test:open'/>"), `nobody-${process.pid}@${ts.domain}`))[0]).toBe("item-not-found");
  });

  it("XEP-0060 §4.5: a roster access node lets in the allowed roster groups only, for reading and for notifications", async () => {
    const alice = await user("alice");
    const bob = await user("bob", ["urn:test:friends"]);
    const carol = await user("carol", ["urn:test:friends"]);
    await befriend(alice, bob);
    await befriend(alice, carol);
    expectResult(await alice.c.rosterSet(bob.c.bare, { groups: ["Friends"] }));
    expectResult(await alice.c.rosterSet(carol.c.bare, { groups: ["Work"] }));
    const options = { "pubsub#access_model": "roster", "pubsub#roster_groups_allowed": "Friends" };
    expectResult(await alice.c.iq("set", publishIq("urn:test:friends", "<x xmlns='urn:test'/>", { id: "1", options })));
    await bob.c.waitFor(isEvent(owner(alice), "urn:test:friends"), "the notification for the allowed group");
    await carol.c.expectNone(isEvent(owner(alice), "urn:test:friends"), "a notification outside the allowed groups");
    expectResult(await bob.c.iq("get", pubsub("<items node='urn:test:friends'/>"), alice.c.bare));
    expect(errorOf(await carol.c.iq("get", pubsub("<items node='urn:test:friends'/>"), alice.c.bare))).toEqual(["not-authorized", "not-in-roster-group"]);
    // XEP-0060 §5.7: the owner is owner of its nodes; others have no affiliation.
    const mine = expectResult(await alice.c.iq("get", pubsub("<affiliations/>")));
    expect(mine.getChild("pubsub", PUBSUB)!.getChild("affiliations")!.getChildren("affiliation").map((a) => a.attrs)).toEqual([{ node: "urn:test:friends", affiliation: "owner" }]);
    const theirs = expectResult(await bob.c.iq("get", pubsub("<affiliations/>"), alice.c.bare));
    expect(theirs.getChild("pubsub", PUBSUB)!.getChild("affiliations")!.getChildren("affiliation")).toEqual([]);
  });

  it("§4.3.3 item 3: a contact the owner blocks gets no notifications", async () => {
    const alice = await user("alice");
    const bob = await user("bob", [TUNE]);
    await befriend(alice, bob);
    expectResult(await alice.c.iq("set", `<block xmlns='urn:xmpp:blocking'><item jid='${bob.c.bare}'/></block>`));
    await settle();
    expectResult(await alice.c.iq("set", publishIq(TUNE, tune("Purcell"))));
    await bob.c.expectNone(isEvent(owner(alice), TUNE), "a notification to a blocked contact");
    expectResult(await alice.c.iq("set", `<unblock xmlns='urn:xmpp:blocking'><item jid='${bob.c.bare}'/></unblock>`));
    expectResult(await alice.c.iq("set", publishIq(TUNE, tune("Dowland"))));
    await bob.c.waitFor(isEvent(owner(alice), TUNE), "the notification once unblocked");
  });

  it("XEP-0060 §7.2.2.1, §8.4.2: retract (notify='true') and delete notifications", async () => {
    const alice = await user("alice");
    const bob = await user("bob", ["urn:test:list"]);
    await befriend(alice, bob);
    expectResult(await alice.c.iq("set", publishIq("urn:test:list", "<x xmlns='urn:test'/>", { id: "one", options: { "pubsub#max_items": "10" } })));
    await bob.c.waitFor(isEvent(owner(alice), "urn:test:list"), "the publish notification");
    expectResult(await alice.c.iq("set", pubsub("<retract node='urn:test:list' notify='true'><item id='one'/></retract>")));
    const r = await bob.c.waitFor(isEvent(owner(alice), "urn:test:list"), "the retract notification");
    expect(r.getChild("event", EVENT)!.getChild("items")!.getChildren("retract").map((x) => x.attrs.id)).toEqual(["one"]);
    expectResult(await alice.c.iq("set", pubsub("<delete node='urn:test:list'/>", OWNER)));
    const d = await bob.c.waitFor(isEvent(owner(alice), "urn:test:list", "delete"), "the delete notification");
    expect(d.attrs.to).toBe(bob.c.full);
  });

  it("§6.1, §6.2: an explicit subscription to an open node brings notifications without presence; unsubscribe ends them", async () => {
    const alice = await user("alice");
    const dave = await user("dave");
    expectResult(await alice.c.iq("set", publishIq("urn:test:feed", "<x xmlns='urn:test'>first</x>", { id: "1", options: { "pubsub#access_model": "open" } })));
    expectResult(await alice.c.iq("set", publishIq("urn:test:closed", "<x xmlns='urn:test'/>")));
    expect(errorOf(await dave.c.iq("set", pubsub(`<subscribe node='urn:test:closed' jid='${dave.c.bare}'/>`), alice.c.bare))).toEqual(["not-authorized", "presence-subscription-required"]);
    expect(errorOf(await dave.c.iq("set", pubsub(`<subscribe node='urn:test:feed' jid='${alice.c.bare}'/>`), alice.c.bare))).toEqual(["bad-request", "invalid-jid"]);
    const sub = expectResult(await dave.c.iq("set", pubsub(`<subscribe node='urn:test:feed' jid='${dave.c.bare}'/>`), alice.c.bare));
    expect(sub.getChild("pubsub", PUBSUB)!.getChild("subscription")!.attrs).toMatchObject({ node: "urn:test:feed", jid: dave.c.bare, subscription: "subscribed" });
    // XEP-0060 §6.1.7: the last item on subscription.
    await dave.c.waitFor(isEvent(owner(alice), "urn:test:feed"), "the last item on subscribing");
    const subs = expectResult(await dave.c.iq("get", pubsub("<subscriptions/>"), alice.c.bare));
    expect(subs.getChild("pubsub", PUBSUB)!.getChild("subscriptions")!.getChildren("subscription").map((s) => s.attrs.node)).toEqual(["urn:test:feed"]);
    expectResult(await alice.c.iq("set", publishIq("urn:test:feed", "<x xmlns='urn:test'>second</x>", { id: "2" })));
    const ev = await dave.c.waitFor(isEvent(owner(alice), "urn:test:feed"), "the notification to the subscribed bare JID");
    expect(eventItems(ev).map((i) => i.attrs.id)).toEqual(["2"]);
    expectResult(await dave.c.iq("set", pubsub(`<unsubscribe node='urn:test:feed' jid='${dave.c.bare}'/>`), alice.c.bare));
    expect(errorOf(await dave.c.iq("set", pubsub(`<unsubscribe node='urn:test:feed' jid='${dave.c.bare}'/>`), alice.c.bare))).toEqual(["unexpected-request", "not-subscribed"]);
    expectResult(await alice.c.iq("set", publishIq("urn:test:feed", "<x xmlns='urn:test'>third</x>", { id: "3" })));
    await dave.c.expectNone(isEvent(owner(alice), "urn:test:feed"), "a notification after unsubscribing");
  });

  it("XEP-0115 §5.4: a disco#info answer that does not hash to the announced 'ver' is not cached for anyone else", async () => {
    const alice = await user("alice");
    const honest = makeCaps([TUNE], "shared-client");
    // Eve announces the honest client's 'ver' but claims other features.
    const eve = await user("eve", undefined, { caps: honest, answer: "<identity category='client' type='pc' name='evil'/><feature var='urn:evil+notify'/>" });
    await befriend(alice, eve);
    expect(eve.disco.answered).toBeGreaterThanOrEqual(2);
    // Bob really has those caps: since nothing was cached, the server must ask him, and he is notified.
    const bob = await user("bob", undefined, { caps: honest });
    expect(bob.disco.answered).toBe(1);
    await befriend(alice, bob);
    expectResult(await alice.c.iq("set", publishIq(TUNE, tune("Byrd"))));
    await bob.c.waitFor(isEvent(owner(alice), TUNE), "the notification for the honest client");
    // Eve's answer still speaks for Eve herself.
    await eve.c.expectNone(isEvent(owner(alice), TUNE), "a notification for the lying client");
    expect(eve.c.buffer.filter(isDiscoQuery)).toEqual([]);
  });
});
