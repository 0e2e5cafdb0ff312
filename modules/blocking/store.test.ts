import { MemoryDriver } from "../../lib/storage";
import { BlocklistStore } from "./store";

async function setup() {
  const driver = new MemoryDriver();
  await driver.open();
  const kv = driver.keyval<string[]>("localhost", "blocking");
  return { kv, store: new BlocklistStore(kv, 4) };
}

describe("BlocklistStore", () => {
  it("loads from storage once and then answers synchronously", async () => {
    const { kv, store } = await setup();
    await kv.set("alice", ["bob@localhost"]);
    const first = store.get("alice");
    expect(first).toBeInstanceOf(Promise);
    expect([...(await first)]).toEqual(["bob@localhost"]);
    const second = store.get("alice");
    expect(second).not.toBeInstanceOf(Promise);
  });

  it("serializes concurrent updates of one account so none is lost", async () => {
    const { kv, store } = await setup();
    await Promise.all(["a", "b", "c", "d", "e"].map((j) => store.update("alice", (cur) => new Set([...cur, `${j}@x`]))));
    expect((await kv.get("alice"))!.sort()).toEqual(["a@x", "b@x", "c@x", "d@x", "e@x"]);
  });

  it("a failing update leaves the list as it was and does not block later ones", async () => {
    const { kv, store } = await setup();
    await store.update("alice", () => new Set(["a@x"]));
    await expect(
      store.update("alice", () => {
        throw new Error("nope");
      }),
    ).rejects.toThrow("nope");
    await store.update("alice", (cur) => new Set([...cur, "b@x"]));
    expect(await kv.get("alice")).toEqual(["a@x", "b@x"]);
  });

  it("deletes the stored value when the list becomes empty, and forget() empties the cache", async () => {
    const { kv, store } = await setup();
    await store.update("alice", () => new Set(["a@x"]));
    await store.update("alice", () => new Set());
    expect(await kv.get("alice")).toBeUndefined();
    await store.update("bob", () => new Set(["a@x"]));
    await kv.set("bob", undefined);
    store.forget("bob");
    expect((store.get("bob") as ReadonlySet<string>).size).toBe(0);
  });
});
