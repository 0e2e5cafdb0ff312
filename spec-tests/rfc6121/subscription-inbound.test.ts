/**
 * RFC 6121 Appendix A.3 (server processing of inbound subscription stanzas), every state × every
 * stanza type. The user is a real client; the contact's server is simulated by posting its
 * stanzas into the router, as a federated peer's would arrive, which also lets the stanzas A.2
 * would never route between two local accounts (the "no state change" rows) arrive at all. The
 * contact is a JID with no local account, so what the server sends it is observed on the router.
 */
import type { Element } from "ltx";
import { Priority } from "../../lib/events";
import type { StanzaEvent } from "../../lib/router";
import { el } from "../../lib/stanza";
import { startTestServer, TestServer } from "../support/harness";
import { fresh, isPresence, isPush, itemState, pushedItem, TestClient } from "./roster-support";
import { pendingIn, rosterItemState } from "./subscription-support";
import { INBOUND, STATE, StateName, SubType, visible } from "./subscription-tables";

let ts: TestServer;
/** Everything the server sent to the simulated contacts. */
const toContacts: Element[] = [];

beforeAll(async () => {
  ts = await startTestServer();
  ts.server.hosts.get(ts.domain)!.events.on<StanzaEvent>(
    "presence/bare",
    (ev) => {
      if (ev.to.local.startsWith("peer-")) toContacts.push(ev.stanza);
      return undefined;
    },
    Priority.FIRST,
  );
});
afterAll(async () => ts?.stop());

function fromPeer(peer: string, user: TestClient, type: string): void {
  void ts.server.router.post(el("presence", { type, from: peer, to: user.bare }));
}

function sentToPeer(peer: string, pred: (e: Element) => boolean): Element[] {
  return toContacts.filter((e) => e.attrs.to === peer && pred(e));
}

async function enter(u: TestClient, peer: string, state: StateName): Promise<void> {
  await u.rosterSet(peer);
  const subscribeOut = async () => {
    u.presence({ to: peer, type: "subscribe" });
    await u.waitFor((e) => isPush(peer)(e) && pushedItem(e).attrs.ask === "subscribe", "the pending-out push");
  };
  const subscribeIn = async () => {
    fromPeer(peer, u, "subscribe");
    await u.waitFor(isPresence("subscribe", peer), "the request");
  };
  const approveOut = async () => {
    u.presence({ to: peer, type: "subscribed" });
    await u.waitFor((e) => isPush(peer)(e) && /^(from|both)$/.test(pushedItem(e).attrs.subscription), "the approval push");
  };
  const approveIn = async () => {
    fromPeer(peer, u, "subscribed");
    await u.waitFor((e) => isPush(peer)(e) && /^(to|both)$/.test(pushedItem(e).attrs.subscription), "the approved push");
  };
  const steps: Record<StateName, (() => Promise<void>)[]> = {
    None: [],
    "None+PO": [subscribeOut],
    "None+PI": [subscribeIn],
    "None+POI": [subscribeIn, subscribeOut],
    To: [subscribeOut, approveIn],
    "To+PI": [subscribeOut, approveIn, subscribeIn],
    From: [subscribeIn, approveOut],
    "From+PO": [subscribeIn, approveOut, subscribeOut],
    Both: [subscribeIn, approveOut, subscribeOut, approveIn],
  };
  for (const step of steps[state]) await step();
  await u.collect(() => false, 100);
  u.clear();
}

const TYPES: SubType[] = ["subscribe", "unsubscribe", "subscribed", "unsubscribed"];

describe.each(TYPES)("inbound %s (RFC 6121 A.3)", (type) => {
  it.each(INBOUND[type])("in state $before → $after (delivered: $delivered)", async (row) => {
    const local = fresh("user");
    const peer = `${fresh("peer")}@${ts.domain}`;
    await ts.addUser(local, "pw");
    const u = await TestClient.login(ts, local, "pw");
    try {
      await u.rosterGet();
      await u.available();
      await enter(u, peer, row.before);
      expect(await rosterItemState(u, peer)).toEqual(visible(row.before));
      expect(await pendingIn(ts, u.local, peer)).toBe(STATE[row.before].pendingIn);
      const sentBefore = sentToPeer(peer, () => true).length;

      fromPeer(peer, u, type);

      const after = visible(row.after);
      const changed = JSON.stringify(visible(row.before)) !== JSON.stringify(after);
      if (changed) expect(itemState(pushedItem(await u.waitFor(isPush(peer), "the roster push")))).toEqual(after);
      if (row.delivered) {
        const got = await u.waitFor(isPresence(type, peer), `the ${type}`);
        expect(got.attrs.to).toBe(u.bare);
      }
      await Promise.all([u.expectNone(isPush(peer), "(further) roster push"), u.expectNone(isPresence(type, peer), `(further) ${type}`)]);

      expect(await rosterItemState(u, peer)).toEqual(after);
      expect(await pendingIn(ts, u.local, peer)).toBe(STATE[row.after].pendingIn);
      const sent = sentToPeer(peer, () => true).slice(sentBefore);
      if (row.autoReply) {
        // A.3.1 "no *": answered for the user, followed by the user's current presence.
        expect(sent.filter(isPresence("subscribed", u.bare))).toHaveLength(1);
        expect(sent.filter(isPresence(undefined, u.full))).toHaveLength(1);
      } else {
        expect(sent.filter(isPresence("subscribed"))).toHaveLength(0);
      }
      // §3.3.3: a subscriber that unsubscribes is told the user is now unavailable to it.
      const lostSubscriber = type === "unsubscribe" && /^From|^Both/.test(row.before);
      expect(sent.filter(isPresence("unavailable", u.full))).toHaveLength(lostSubscriber ? 1 : 0);
    } finally {
      await u.disconnect();
    }
  });
});

it("ignores subscription stanzas for an account that does not exist (RFC 6121 §8.5.1)", async () => {
  const local = fresh("ghost");
  const peer = `${fresh("peer")}@${ts.domain}`;
  void ts.server.router.post(el("presence", { type: "subscribe", from: peer, to: `${local}@${ts.domain}` }));
  await new Promise((r) => setTimeout(r, 100));
  // Nothing answered, and no roster was created for the missing account.
  expect(sentToPeer(peer, () => true)).toHaveLength(0);
  expect(await pendingIn(ts, local, peer)).toBe(false);
});
