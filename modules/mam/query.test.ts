import { parseJid } from "../../lib/jid";
import { MemoryDriver } from "../../lib/storage/memory";
import { ArchiveKeyNotFoundError } from "../../lib/storage/archive-query";
import type { ArchiveStore } from "../../lib/storage/types";
import { runQuery } from "./query";
import type { ArchivedMessage } from "./record";

const limits = { defaultMax: 3, hardMax: 5 };
const T0 = Date.UTC(2024, 0, 1);
let store: ArchiveStore<ArchivedMessage>;
let keys: string[];

/** Ten items for "u": even ones with a@x/one, odd ones with b@x/two (then a@x/two for 7 and 9), one minute apart. */
beforeEach(async () => {
  const driver = new MemoryDriver();
  await driver.open();
  store = driver.archive<ArchivedMessage>("localhost", "mam");
  keys = [];
  for (let i = 0; i < 10; i++) {
    const peer = i % 2 === 0 ? "a@x/one" : i >= 7 ? "a@x/two" : "b@x/two";
    keys.push(await store.append("u", null, { v: 1, xml: `<message><body>${i}</body></message>`, peer }, new Date(T0 + i * 60_000), parseJid(peer).bare.toString()));
  }
  await store.append("other", null, { v: 1, xml: "<message/>", peer: "a@x/one" }, new Date(T0), "a@x");
});

const idx = (r: { items: { key: string }[] }) => r.items.map((i) => keys.indexOf(i.key));

describe("archive queries", () => {
  it("pages forward with after, reporting count, index and completeness", async () => {
    const p1 = await runQuery(store, "u", {}, {}, limits);
    expect(idx(p1)).toEqual([0, 1, 2]);
    expect(p1).toMatchObject({ complete: false, count: 10, firstIndex: 0 });
    const p2 = await runQuery(store, "u", {}, { after: keys[2], max: 5 }, limits);
    expect(idx(p2)).toEqual([3, 4, 5, 6, 7]);
    expect(p2).toMatchObject({ complete: false, firstIndex: 3 });
    const p3 = await runQuery(store, "u", {}, { after: keys[7], max: 5 }, limits);
    expect(idx(p3)).toEqual([8, 9]);
    expect(p3.complete).toBe(true);
  });

  it("pages backward from the end with an empty before, in chronological order", async () => {
    const last = await runQuery(store, "u", {}, { before: "", max: 4 }, limits);
    expect(idx(last)).toEqual([6, 7, 8, 9]);
    expect(last).toMatchObject({ complete: false, firstIndex: 6, count: 10 });
    const prev = await runQuery(store, "u", {}, { before: keys[6], max: 4 }, limits);
    expect(idx(prev)).toEqual([2, 3, 4, 5]);
    const first = await runQuery(store, "u", {}, { before: keys[2], max: 4 }, limits);
    expect(idx(first)).toEqual([0, 1]);
    expect(first.complete).toBe(true);
  });

  it("caps max at the hard limit and answers max=0 with the count only", async () => {
    expect(idx(await runQuery(store, "u", {}, { max: 1000 }, limits))).toEqual([0, 1, 2, 3, 4]);
    const none = await runQuery(store, "u", {}, { max: 0 }, limits);
    expect(none).toMatchObject({ items: [], complete: false, count: 10 });
    expect(none.firstIndex).toBeUndefined();
  });

  it("filters by bare JID, by full JID, and by time", async () => {
    const bare = await runQuery(store, "u", { with: parseJid("a@x") }, { max: 5 }, limits);
    expect(idx(bare)).toEqual([0, 2, 4, 6, 7]);
    expect(bare).toMatchObject({ complete: false, count: 7 });
    const full = await runQuery(store, "u", { with: parseJid("a@x/two") }, { max: 5 }, limits);
    expect(idx(full)).toEqual([7, 9]);
    expect(full.complete).toBe(true);
    expect(full.count).toBeUndefined();
    const fullBack = await runQuery(store, "u", { with: parseJid("a@x/one") }, { before: "", max: 2 }, limits);
    expect(idx(fullBack)).toEqual([6, 8]);
    expect(fullBack.complete).toBe(false);
    const span = await runQuery(store, "u", { start: new Date(T0 + 2 * 60_000), end: new Date(T0 + 4 * 60_000) }, {}, limits);
    expect(idx(span)).toEqual([2, 3, 4]);
    expect(span).toMatchObject({ complete: true, count: 3, firstIndex: 0 });
  });

  it("combines after-id/before-id with RSM cursors, taking the tighter bound", async () => {
    const range = { afterId: keys[1], beforeId: keys[8] };
    expect(idx(await runQuery(store, "u", range, { max: 5 }, limits))).toEqual([2, 3, 4, 5, 6]);
    const next = await runQuery(store, "u", range, { after: keys[6], max: 5 }, limits);
    expect(idx(next)).toEqual([7]);
    expect(next).toMatchObject({ complete: true, count: 6, firstIndex: 5 });
    // An RSM cursor outside the range does not widen it.
    expect(idx(await runQuery(store, "u", range, { after: keys[0], max: 2 }, limits))).toEqual([2, 3]);
    expect(idx(await runQuery(store, "u", range, { before: keys[9], max: 2 }, limits))).toEqual([6, 7]);
  });

  it("fetches by ids and refuses unknown ids, including another account's", async () => {
    expect(idx(await runQuery(store, "u", { ids: [keys[5], keys[1]] }, {}, limits))).toEqual([1, 5]);
    const foreign = (await store.find("other"))[0].key;
    for (const q of [{ ids: [keys[1], "nope"] }, { ids: [foreign] }, { afterId: "nope" }, { beforeId: foreign }]) {
      await expect(runQuery(store, "u", q, {}, limits)).rejects.toThrow(ArchiveKeyNotFoundError);
    }
    await expect(runQuery(store, "u", {}, { after: "nope" }, limits)).rejects.toThrow(ArchiveKeyNotFoundError);
    await expect(runQuery(store, "u", { afterId: keys[1] }, { after: "nope" }, limits)).rejects.toThrow(ArchiveKeyNotFoundError);
    await expect(runQuery(store, "u", {}, { before: "nope" }, limits)).rejects.toThrow(ArchiveKeyNotFoundError);
  });
});
