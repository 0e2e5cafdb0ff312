/**
 * RFC 6121 Appendix A.2 (server processing of outbound subscription stanzas), every state × every
 * stanza type, between two local accounts over real client connections. For each row: the user's
 * roster push (or its absence), whether the contact's client gets the stanza (A.3 at the other
 * end), the contact's push, the presence that follows, and the final rosters on both sides.
 */
import { startTestServer, TestServer } from "../support/harness";
import { fresh, isPresence, isPush, itemState, pushedItem } from "./roster-support";
import { enterState, onlinePair, pendingIn, rosterItemState } from "./subscription-support";
import { MIRROR, OUTBOUND, STATE, SubType, visible } from "./subscription-tables";

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(async () => ts?.stop());

const TYPES: SubType[] = ["subscribe", "unsubscribe", "subscribed", "unsubscribed"];

describe.each(TYPES)("outbound %s (RFC 6121 A.2)", (type) => {
  it.each(OUTBOUND[type])("in state $before → $after (delivered to contact: $delivered)", async (row) => {
    const [u, c] = await onlinePair(ts, fresh("user"), fresh("contact"));
    try {
      await enterState(u, c, row.before);
      expect(await rosterItemState(u, c.bare)).toEqual(visible(row.before));
      expect(await pendingIn(ts, u.local, c.bare)).toBe(STATE[row.before].pendingIn);

      u.presence({ to: c.bare, type });

      const userAfter = visible(row.after, row.approved);
      const userChanged = JSON.stringify(visible(row.before)) !== JSON.stringify(userAfter);
      if (userChanged) {
        const push = await u.waitFor(isPush(c.bare), "the user's roster push");
        expect(push.attrs.from).toBeUndefined();
        expect(itemState(pushedItem(push))).toEqual(userAfter);
      }
      if (row.delivered) {
        const got = await c.waitFor(isPresence(type, u.bare), `the ${type} at the contact`);
        expect(got.attrs.to).toBe(c.bare);
      }
      const contactAfter = visible(MIRROR[row.after]);
      const contactChanged = JSON.stringify(visible(MIRROR[row.before])) !== JSON.stringify(contactAfter);
      if (contactChanged) expect(itemState(pushedItem(await c.waitFor(isPush(u.bare), "the contact's roster push")))).toEqual(contactAfter);
      if (row.peerGets) await c.waitFor(isPresence(row.peerGets === "available" ? undefined : "unavailable", u.full), `${row.peerGets} presence from the user`);
      if (row.userGets) await u.waitFor(isPresence(row.userGets === "available" ? undefined : "unavailable", c.full), `${row.userGets} presence from the contact`);

      await Promise.all([
        u.expectNone(isPush(c.bare), "(further) roster push to the user"),
        c.expectNone(isPush(u.bare), "(further) roster push to the contact"),
        c.expectNone(isPresence(type, u.bare), `(further) ${type} at the contact`),
        u.expectNone((e) => e.name === "presence" && /^(subscribe|subscribed|unsubscribe|unsubscribed)$/.test(e.attrs.type), "subscription stanza at the user"),
      ]);

      expect(await rosterItemState(u, c.bare)).toEqual(userAfter);
      expect(await rosterItemState(c, u.bare)).toEqual(contactAfter);
      expect(await pendingIn(ts, u.local, c.bare)).toBe(STATE[row.after].pendingIn);
      expect(await pendingIn(ts, c.local, u.bare)).toBe(STATE[MIRROR[row.after]].pendingIn);
    } finally {
      await Promise.all([u.disconnect(), c.disconnect()]);
    }
  });
});
