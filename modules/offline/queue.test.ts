import type { Element } from "ltx";
import { silentLogger } from "../../lib/log";
import { StorageError } from "../../lib/errors";
import { MemoryDriver } from "../../lib/storage/memory";
import type { ArchiveStore } from "../../lib/storage/types";
import type { Session } from "../../lib/stream/session";
import { decodeMessage, StoredMessage } from "./codec";
import { OfflineQueue } from "./queue";

const msg = (body: string) => decodeMessage({ v: 1, xml: `<message xmlns='jabber:client' from='a@localhost/r' to='b@localhost' type='chat'><body>${body}</body></message>` });

class FakeSession {
  readonly id = Math.random().toString(36).slice(2);
  readonly sent: Element[] = [];
  closed = false;
  closeAfter = Infinity;
  send(e: Element): void {
    if (this.closed) return;
    this.sent.push(e);
    if (this.sent.length >= this.closeAfter) this.closed = true;
  }
  get bodies(): string[] {
    return this.sent.map((e) => e.getChildText("body") ?? "");
  }
}
const asSession = (f: FakeSession) => f as unknown as Session;

async function setup(maxMessages = 1000, flushed?: () => Promise<void>, room?: (s: Session) => Promise<boolean>) {
  const driver = new MemoryDriver();
  await driver.open();
  const archive = driver.archive<StoredMessage>("localhost", "offline");
  return { archive, queue: new OfflineQueue(archive, { host: "localhost", maxMessages, log: silentLogger, flushed, room }) };
}

describe("OfflineQueue", () => {
  it("delivers in order with delay stamps, then deletes", async () => {
    const { archive, queue } = await setup();
    const t0 = new Date(Date.UTC(2024, 4, 1, 12, 0, 0));
    for (let i = 0; i < 120; i++) await queue.store("b", msg(`m${i}`), "a@localhost", new Date(t0.getTime() + i));
    const s = new FakeSession();
    expect(await queue.deliver("b", asSession(s))).toBe(120);
    expect(s.bodies).toEqual(Array.from({ length: 120 }, (_, i) => `m${i}`));
    expect(s.sent[3].getChild("delay", "urn:xmpp:delay")?.attrs).toEqual({ xmlns: "urn:xmpp:delay", from: "localhost", stamp: "2024-05-01T12:00:00.003Z" });
    expect(await archive.count("b")).toBe(0);
  });

  it("refuses beyond the quota and accepts again once delivered", async () => {
    const { queue } = await setup(2);
    expect(await queue.store("b", msg("1"), "a@localhost")).toBe("stored");
    expect(await queue.store("b", msg("2"), "a@localhost")).toBe("stored");
    expect(await queue.store("b", msg("3"), "a@localhost")).toBe("full");
    expect(await queue.store("c", msg("other user"), "a@localhost")).toBe("stored");
    const s = new FakeSession();
    await queue.deliver("b", asSession(s));
    expect(s.bodies).toEqual(["1", "2"]);
    expect(await queue.store("b", msg("4"), "a@localhost")).toBe("stored");
  });

  it("holds the quota exactly under concurrent stores", async () => {
    const { queue } = await setup(5);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => queue.store("b", msg(String(i)), "a@localhost")));
    expect(results.filter((r) => r === "stored")).toHaveLength(5);
    expect(await queue.count("b")).toBe(5);
  });

  it("delivers each message exactly once when two sessions come online together", async () => {
    const { queue, archive } = await setup();
    for (let i = 0; i < 75; i++) await queue.store("b", msg(`m${i}`), "a@localhost");
    const s1 = new FakeSession();
    const s2 = new FakeSession();
    const [n1, n2] = await Promise.all([queue.deliver("b", asSession(s1)), queue.deliver("b", asSession(s2))]);
    expect(n1 + n2).toBe(75);
    expect([...s1.bodies, ...s2.bodies].sort()).toEqual(Array.from({ length: 75 }, (_, i) => `m${i}`).sort());
    expect(await archive.count("b")).toBe(0);
  });

  it("never deletes a row before its page was flushed", async () => {
    let flushes = 0;
    let countAtFlush: number[] = [];
    const ctx = await setup(1000, async () => {
      flushes++;
      countAtFlush.push(await ctx.archive.count("b"));
    });
    for (let i = 0; i < 3; i++) await ctx.queue.store("b", msg(`m${i}`), "a@localhost");
    countAtFlush = [];
    await ctx.queue.deliver("b", asSession(new FakeSession()));
    expect(flushes).toBeGreaterThan(0);
    expect(countAtFlush[0]).toBe(3);
  });

  it("keeps the page stored when the session closes during delivery", async () => {
    const { queue, archive } = await setup();
    for (let i = 0; i < 4; i++) await queue.store("b", msg(`m${i}`), "a@localhost");
    const s = new FakeSession();
    s.closeAfter = 2;
    expect(await queue.deliver("b", asSession(s))).toBe(0);
    expect(s.bodies).toEqual(["m0", "m1"]);
    expect(await archive.count("b")).toBe(4);
    const again = new FakeSession();
    await queue.deliver("b", asSession(again));
    expect(again.bodies).toEqual(["m0", "m1", "m2", "m3"]);
  });

  it("sends nothing to a session that is already closed", async () => {
    const { queue, archive } = await setup();
    await queue.store("b", msg("m"), "a@localhost");
    const s = new FakeSession();
    s.closed = true;
    expect(await queue.deliver("b", asSession(s))).toBe(0);
    expect(await archive.count("b")).toBe(1);
  });

  it("drops an unreadable row instead of blocking the queue behind it", async () => {
    const { queue, archive } = await setup();
    await queue.store("b", msg("before"), "a@localhost");
    await archive.append("b", null, { v: 1, xml: "<message><unclosed></message>" }, new Date(), "a@localhost");
    await queue.store("b", msg("after"), "a@localhost");
    const s = new FakeSession();
    expect(await queue.deliver("b", asSession(s))).toBe(2);
    expect(s.bodies).toEqual(["before", "after"]);
    expect(await archive.count("b")).toBe(0);
  });

  it("rejects (so the caller reports it unstored) when storage fails", async () => {
    const failing = {
      count: async () => 0,
      append: async () => {
        throw new StorageError("disk full");
      },
    } as unknown as ArchiveStore<StoredMessage>;
    const queue = new OfflineQueue(failing, { host: "localhost", maxMessages: 10, log: silentLogger });
    await expect(queue.store("b", msg("x"), "a@localhost")).rejects.toThrow(StorageError);
  });

  it("cuts pages by size, and stops (keeping the rest) when the client has no room", async () => {
    let rounds = 0;
    const { queue, archive } = await setup(1000, undefined, async () => ++rounds < 2);
    const big = "x".repeat(100 * 1024);
    for (let i = 0; i < 6; i++) await queue.store("b", msg(`${i}${big}`), "a@localhost");
    const s = new FakeSession();
    // Pages of three 100 KB messages (the third crosses 256 KB); room is refused after the second page.
    expect(await queue.deliver("b", asSession(s))).toBe(6);
    expect(rounds).toBe(2);
    for (let i = 0; i < 3; i++) await queue.store("b", msg(`${i + 6}${big}`), "a@localhost");
    rounds = 1;
    const s2 = new FakeSession();
    expect(await queue.deliver("b", asSession(s2))).toBe(3);
    expect(await archive.count("b")).toBe(0);
    rounds = 1;
    for (let i = 0; i < 4; i++) await queue.store("b", msg(`${i}${big}`), "a@localhost");
    const s3 = new FakeSession();
    expect(await queue.deliver("b", asSession(s3))).toBe(3);
    expect(await archive.count("b")).toBe(1);
  });
});
