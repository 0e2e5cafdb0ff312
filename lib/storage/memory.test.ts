import { StorageError } from "../errors";
import { runStorageConformance } from "./conformance";
import { MemoryDriver } from "./memory";

runStorageConformance("memory", () => new MemoryDriver());

describe("MemoryDriver", () => {
  it("does not share data between instances", async () => {
    const a = new MemoryDriver();
    const b = new MemoryDriver();
    await a.open();
    await b.open();
    await a.keyval("h", "s").set("alice", 1);
    await expect(b.keyval("h", "s").get("alice")).resolves.toBeUndefined();
  });

  it("rejects with StorageError before open()", async () => {
    await expect(new MemoryDriver().keyval("h", "s").get("alice")).rejects.toBeInstanceOf(StorageError);
  });
});
