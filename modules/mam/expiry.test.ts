import { MemoryDriver } from "../../lib/storage/memory";
import { sweepExpired } from "./expiry";
import type { ArchivedMessage } from "./record";

describe("archive expiry", () => {
  it("deletes only items older than the retention, for every listed account", async () => {
    const driver = new MemoryDriver();
    await driver.open();
    const store = driver.archive<ArchivedMessage>("localhost", "mam");
    const now = Date.UTC(2024, 5, 1);
    const item = { v: 1 as const, xml: "<message/>", peer: "a@x" };
    for (const user of ["u", "v"]) {
      await store.append(user, null, item, new Date(now - 10_000), "a@x");
      await store.append(user, null, item, new Date(now - 5_000), "a@x");
      await store.append(user, null, item, new Date(now - 1_000), "a@x");
    }
    expect(await sweepExpired(["u", "v", "nobody"], store, 5_000, now)).toBe(4);
    expect(await store.count("u")).toBe(1);
    expect(await store.count("v")).toBe(1);
  });
});
