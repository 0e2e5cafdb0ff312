/**
 * Setting up a subscription state between two accounts through the protocol itself, and reading
 * the one part of the state no client can see ("Pending In", kept aside from the roster).
 */
import { rosterStoreOf } from "../../modules/roster/service";
import type { TestServer } from "../support/harness";
import { isPresence, isPush, itemState, pushedItem, TestClient } from "./roster-support";
import type { StateName } from "./subscription-tables";

/** Whether `user` holds an unanswered subscription request from `contact` (server-side state). */
export async function pendingIn(ts: TestServer, user: string, contact: string): Promise<boolean> {
  const doc = await rosterStoreOf(ts.server.hosts.get(ts.domain)!)!.read(user);
  return doc?.pending.has(contact) ?? false;
}

/** A fresh account, logged in, interested (roster fetched) and available. */
export async function onlineUser(ts: TestServer, local: string): Promise<TestClient> {
  await ts.addUser(local, "pw");
  const c = await TestClient.login(ts, local, "pw");
  await c.rosterGet();
  await c.available();
  return c;
}

/** Two fresh accounts, logged in, interested (roster fetched) and available. */
export async function onlinePair(ts: TestServer, a: string, b: string): Promise<[TestClient, TestClient]> {
  await ts.addUser(a, "pw");
  await ts.addUser(b, "pw");
  const [ca, cb] = await Promise.all([TestClient.login(ts, a, "pw"), TestClient.login(ts, b, "pw")]);
  await Promise.all([ca.rosterGet(), cb.rosterGet()]);
  await Promise.all([ca.available(), cb.available()]);
  return [ca, cb];
}

async function subscribe(from: TestClient, to: TestClient): Promise<void> {
  from.presence({ to: to.bare, type: "subscribe" });
  await to.waitFor(isPresence("subscribe", from.bare), "the subscription request");
}

async function approve(from: TestClient, to: TestClient): Promise<void> {
  from.presence({ to: to.bare, type: "subscribed" });
  await to.waitFor((e) => isPush(from.bare)(e) && /^(to|both)$/.test(pushedItem(e).attrs.subscription), "the approval's roster push");
}

/**
 * Brings user `u`'s relationship with contact `c` into `state` (as seen by u; c sees the mirror),
 * both having the other on their roster, then forgets the set-up traffic.
 */
export async function enterState(u: TestClient, c: TestClient, state: StateName): Promise<void> {
  await u.rosterSet(c.bare);
  await c.rosterSet(u.bare);
  switch (state) {
    case "None":
      break;
    case "None+PO":
      await subscribe(u, c);
      break;
    case "None+PI":
      await subscribe(c, u);
      break;
    case "None+POI":
      await subscribe(c, u);
      await subscribe(u, c);
      break;
    case "To":
      await subscribe(u, c);
      await approve(c, u);
      break;
    case "To+PI":
      await subscribe(u, c);
      await approve(c, u);
      await subscribe(c, u);
      break;
    case "From":
      await subscribe(c, u);
      await approve(u, c);
      break;
    case "From+PO":
      await subscribe(c, u);
      await approve(u, c);
      await subscribe(u, c);
      break;
    case "Both":
      await subscribe(c, u);
      await approve(u, c);
      await subscribe(u, c);
      await approve(c, u);
      break;
  }
  await Promise.all([u.collect(() => false, 100), c.collect(() => false, 100)]);
  u.clear();
  c.clear();
}

export async function rosterItemState(client: TestClient, jid: string) {
  return itemState((await client.roster()).get(jid));
}
