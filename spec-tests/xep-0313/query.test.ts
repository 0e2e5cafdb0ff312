/**
 * XEP-0313 queries over real sockets (memory storage): filters, RSM paging, errors, and who gets
 * the results.
 *
 * References:
 * - XEP-0313 §4.1 (form fields with/start/end/before-id/after-id/ids), §4.1.5 (the form),
 *   §4.2 (result messages), §4.3 (RSM paging; complete; item-not-found), §4.3.3 (last page),
 *   §4.3.4 (flip-page), §5 (metadata), §8.1 (forbidden for others)
 * - XEP-0059 §2 (max, after, before, count, first/@index), XEP-0082 §3.2 (DateTime)
 * - reliability.md XML-25 (malformed and far-future stamps: bad-request, no crash)
 */
import type { Element } from "ltx";
import { startTestServer, TestServer } from "../support/harness";
import { errorCondition, TestClient } from "../support/test-client";
import { chat, Clients, forwarded, freshUser, isBody, MAM, query, QueryAnswer, QueryOptions, resultBodies, resultId, rsmSet, rsmText, sleep } from "./support";

let ts: TestServer;
const clients = new Clients(() => ts);

beforeAll(async () => {
  ts = await startTestServer({ yaml: "mam_max_page: 4" });
});
afterEach(() => clients.disconnectAll());
afterAll(async () => ts?.stop());

/** An account with `n` messages from (even) and to (odd) two contacts, romeo and nurse; bodies m0…m(n-1). */
async function history(n: number): Promise<{ owner: TestClient; romeo: string; nurse: string; ids: string[] }> {
  const [o, r, nu] = [await freshUser(ts, "juliet"), await freshUser(ts, "romeo"), await freshUser(ts, "nurse")];
  const owner = await clients.login(o, "balcony");
  const romeo = await clients.login(r, "orchard");
  const nurse = await clients.login(nu, "kitchen");
  for (let i = 0; i < n; i++) {
    const contact = i % 4 < 2 ? romeo : nurse;
    if (i % 2 === 0) {
      contact.send(chat(owner.jid, `m${i}`));
      await owner.expect(isBody(`m${i}`), `m${i}`);
    } else {
      owner.send(chat(contact.jid, `m${i}`));
      await contact.expect(isBody(`m${i}`), `m${i}`);
    }
  }
  // Pages are capped at 4 here, so collecting every id takes paging.
  const ids: string[] = [];
  for (;;) {
    const page = await query(owner, { rsm: ids.length ? `<after>${ids[ids.length - 1]}</after>` : "" });
    ids.push(...page.results.map(resultId));
    if (page.fin!.attrs.complete === "true" || page.results.length === 0) break;
  }
  return { owner, romeo: romeo.bare, nurse: nurse.bare, ids };
}

const complete = (a: QueryAnswer) => a.fin!.attrs.complete;

it("§4.2: a query returns every item as a forwarded message with a delay stamp, then a complete fin", async () => {
  const { owner, romeo } = await history(3);
  const a = await query(owner, { queryid: "f27" });
  expect(a.iq.attrs.type).toBe("result");
  expect(resultBodies(a)).toEqual(["m0", "m1", "m2"]);
  for (const m of a.results) {
    expect(m.attrs.to).toBe(owner.jid);
    expect(m.getChild("result", MAM)!.attrs.queryid).toBe("f27");
    const fwd = m.getChild("result", MAM)!.getChild("forwarded", "urn:xmpp:forward:0")!;
    expect(fwd.getChild("delay", "urn:xmpp:delay")!.attrs.stamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(fwd.getChild("message")!.attrs.xmlns).toBe("jabber:client");
  }
  expect(forwarded(a.results[0]).attrs.from).toMatch(new RegExp(`^${romeo}/`));
  expect(forwarded(a.results[1]).attrs.from).toBe(owner.jid);
  expect(complete(a)).toBe("true");
  expect(rsmText(a, "first")).toBe(resultId(a.results[0]));
  expect(rsmSet(a).getChild("first")!.attrs.index).toBe("0");
  expect(rsmText(a, "last")).toBe(resultId(a.results[2]));
  expect(rsmText(a, "count")).toBe("3");
});

it("§4.1.1: 'with' a bare JID matches every resource of that contact, in both directions; a full JID only that resource", async () => {
  const { owner, romeo, nurse } = await history(6);
  expect(resultBodies(await query(owner, { fields: { with: romeo } }))).toEqual(["m0", "m1", "m4", "m5"]);
  expect(resultBodies(await query(owner, { fields: { with: nurse } }))).toEqual(["m2", "m3"]);
  expect(resultBodies(await query(owner, { fields: { with: `${romeo}/orchard` } }))).toEqual(["m0", "m1", "m4", "m5"]);
  expect(resultBodies(await query(owner, { fields: { with: `${romeo}/elsewhere` } }))).toEqual([]);
  expect(resultBodies(await query(owner, { fields: { with: "stranger@localhost" } }))).toEqual([]);
});

it("§4.1.2: start and end bound the result set by time, inclusively", async () => {
  const [o, r] = [await freshUser(ts, "juliet"), await freshUser(ts, "romeo")];
  const owner = await clients.login(o, "r");
  const romeo = await clients.login(r, "r");
  romeo.send(chat(owner.jid, "early"));
  await owner.expect(isBody("early"), "early");
  await sleep(30);
  const middle = new Date().toISOString();
  await sleep(30);
  romeo.send(chat(owner.jid, "late"));
  await owner.expect(isBody("late"), "late");
  expect(resultBodies(await query(owner, { fields: { start: middle } }))).toEqual(["late"]);
  expect(resultBodies(await query(owner, { fields: { end: middle } }))).toEqual(["early"]);
  expect(resultBodies(await query(owner, { fields: { start: "2000-01-01T00:00:00Z", end: "2999-01-01T00:00:00+02:00" } }))).toEqual(["early", "late"]);
  expect(resultBodies(await query(owner, { fields: { start: "9999-12-31T23:59:59Z" } }))).toEqual([]);
});

it("§4.3: pages forward with RSM after, and backward from the last page with an empty before", async () => {
  const { owner, ids } = await history(7);
  expect(ids).toHaveLength(7);
  // No <max/>: the server's limit (mam_max_page: 4) applies.
  const p1 = await query(owner);
  expect(resultBodies(p1)).toEqual(["m0", "m1", "m2", "m3"]);
  expect(complete(p1)).toBe("false");
  expect(rsmText(p1, "count")).toBe("7");
  const p2 = await query(owner, { rsm: `<max>4</max><after>${rsmText(p1, "last")}</after>` });
  expect(resultBodies(p2)).toEqual(["m4", "m5", "m6"]);
  expect(complete(p2)).toBe("true");
  expect(rsmSet(p2).getChild("first")!.attrs.index).toBe("4");

  const last = await query(owner, { rsm: "<max>3</max><before/>" });
  expect(resultBodies(last)).toEqual(["m4", "m5", "m6"]);
  expect(complete(last)).toBe("false");
  const prev = await query(owner, { rsm: `<max>3</max><before>${rsmText(last, "first")}</before>` });
  expect(resultBodies(prev)).toEqual(["m1", "m2", "m3"]);
  expect(complete(prev)).toBe("false");
  const start = await query(owner, { rsm: `<max>3</max><before>${rsmText(prev, "first")}</before>` });
  expect(resultBodies(start)).toEqual(["m0"]);
  expect(complete(start)).toBe("true");
  expect(rsmSet(start).getChild("first")!.attrs.index).toBe("0");

  // A client asking for more than the server allows gets the server's page and must page on.
  const capped = await query(owner, { rsm: "<max>1000</max>" });
  expect(capped.results).toHaveLength(4);
  expect(complete(capped)).toBe("false");
  // <max>0</max>: only the count.
  const counted = await query(owner, { rsm: "<max>0</max>" });
  expect(counted.results).toEqual([]);
  expect(rsmText(counted, "count")).toBe("7");
  expect(rsmSet(counted).getChild("first")).toBeUndefined();
});

it("§4.1.3 (extended): after-id, before-id and ids select by archive id; flip-page reverses a page", async () => {
  const { owner, ids } = await history(6);
  expect(resultBodies(await query(owner, { fields: { "after-id": ids[1], "before-id": ids[5] } }))).toEqual(["m2", "m3", "m4"]);
  expect(resultBodies(await query(owner, { fields: { ids: [ids[4], ids[0]] } }))).toEqual(["m0", "m4"]);
  const flipped = await query(owner, { rsm: "<max>3</max><before/>", extra: "<flip-page/>" });
  expect(resultBodies(flipped)).toEqual(["m5", "m4", "m3"]);
  expect(rsmText(flipped, "first")).toBe(ids[3]);
});

it("§4.3.2: an unknown id in RSM after/before, after-id, before-id or ids is item-not-found", async () => {
  const { owner, ids } = await history(2);
  const other = await history(1);
  const queries: QueryOptions[] = [
    { rsm: "<after>no-such-id</after>" },
    { rsm: "<before>no-such-id</before>" },
    { fields: { "after-id": "no-such-id" } },
    { fields: { "before-id": other.ids[0] } },
    { fields: { ids: [ids[0], "no-such-id"] } },
  ];
  for (const q of queries) {
    const a = await query(owner, q);
    expect(a.iq.attrs.type).toBe("error");
    expect(errorCondition(a.iq)).toBe("item-not-found");
    expect(a.results).toEqual([]);
  }
});

it("XML-25: malformed, far-future and oversized timestamps and bad forms get an error; the server goes on", async () => {
  const { owner } = await history(1);
  for (const [q, condition] of [
    [{ fields: { start: "yesterday" } }, "bad-request"],
    [{ fields: { end: "2010-02-30T00:00:00Z" } }, "bad-request"],
    [{ fields: { start: "+275760-09-13T00:00:00.001Z" } }, "bad-request"],
    [{ fields: { start: "99999-01-01T00:00:00Z" } }, "bad-request"],
    [{ fields: { end: "-0001-01-01T00:00:00Z" } }, "bad-request"],
    [{ fields: { start: "2".repeat(10_000) } }, "bad-request"],
    [{ fields: { with: "a@b@c" } }, "jid-malformed"],
    [{ fields: { "include-groupchat": "true" } }, "feature-not-implemented"],
    [{ rsm: "<max>-5</max>" }, "bad-request"],
  ] as const) {
    const a = await query(owner, q);
    expect([a.iq.attrs.type, errorCondition(a.iq)]).toEqual(["error", condition]);
  }
  expect(resultBodies(await query(owner))).toEqual(["m0"]);
});

it("§4.2: results go only to the resource that asked", async () => {
  const { owner } = await history(2);
  const other = await clients.login(owner.bare.split("@")[0], "other-resource");
  await other.iq(`<iq type='get' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>`);
  const a = await query(owner, { queryid: "mine" });
  expect(a.results).toHaveLength(2);
  await other.expectNone((e: Element) => e.getChild("result", MAM) !== undefined, "someone else's results");
});

it("§8.1: another account's archive is forbidden, whether the account exists or not", async () => {
  const { owner, romeo } = await history(1);
  for (const to of [romeo, "nobody@localhost"]) {
    const a = await query(owner, { to });
    expect([a.iq.attrs.type, errorCondition(a.iq)]).toEqual(["error", "forbidden"]);
    expect(a.results).toEqual([]);
    const p = await owner.iq(`<iq type='get' to='${to}'><prefs xmlns='${MAM}'/></iq>`);
    expect(errorCondition(p)).toBe("forbidden");
  }
  // Addressing one's own bare JID explicitly is the same as no 'to'; results come from that address.
  const own = await query(owner, { to: owner.bare });
  expect(resultBodies(own)).toEqual(["m0"]);
  expect(own.results[0].attrs.from).toBe(owner.bare);
});

it("§4.1.5 and §5: the form lists the supported fields; metadata names the first and last items", async () => {
  const { owner, ids } = await history(3);
  const form = await owner.iq(`<iq type='get'><query xmlns='${MAM}'/></iq>`);
  const fields = form.getChild("query", MAM)!.getChild("x", "jabber:x:data")!.getChildren("field");
  expect(fields.map((f) => f.attrs.var)).toEqual(expect.arrayContaining(["FORM_TYPE", "with", "start", "end", "before-id", "after-id", "ids"]));
  const meta = (await owner.iq(`<iq type='get'><metadata xmlns='${MAM}'/></iq>`)).getChild("metadata", MAM)!;
  expect(meta.getChild("start")!.attrs.id).toBe(ids[0]);
  expect(meta.getChild("end")!.attrs.id).toBe(ids[2]);
  expect(meta.getChild("end")!.attrs.timestamp).toMatch(/Z$/);

  const empty = await clients.login(await freshUser(ts, "empty"), "r");
  const none = (await empty.iq(`<iq type='get'><metadata xmlns='${MAM}'/></iq>`)).getChild("metadata", MAM)!;
  expect(none.children).toEqual([]);
});
