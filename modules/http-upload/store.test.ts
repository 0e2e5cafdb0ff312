import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { silentLogger } from "../../lib/log";
import { MemoryDriver } from "../../lib/storage/memory";
import type { Json } from "../../lib/storage/types";
import { FileStore, type StoredFile } from "./store";
import { newFileId } from "./tokens";

let root: string;
let driver: MemoryDriver;
beforeEach(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), "upload-store-"));
  driver = new MemoryDriver();
  await driver.open();
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const records = () => driver.map<Json>("upload.example", "http_upload");
const file = (over: Partial<StoredFile> = {}): StoredFile => ({ id: newFileId(), owner: "a@example", filename: "a.txt", contentType: "text/plain", size: 3, created: 1000, expires: 5000, ...over });

async function put(store: FileStore, f: StoredFile, body = "abc"): Promise<void> {
  const tmp = store.incomingPath(f.id);
  writeFileSync(tmp, body);
  await store.commit(tmp, f);
}

describe("FileStore", () => {
  it("serves committed files until they expire, and the sweep deletes bytes and records", async () => {
    const store = new FileStore(root, records(), silentLogger);
    await store.open();
    const f = file();
    await put(store, f);
    expect(store.get(f.id, 4999)).toEqual(f);
    expect(store.get(f.id, 5000)).toBeUndefined();
    expect(readdirSync(path.join(root, "files"))).toEqual([f.id]);
    expect(await store.sweep(5000)).toBe(1);
    expect(readdirSync(path.join(root, "files"))).toEqual([]);
    expect((await records().getAll("")).size).toBe(0);
  });

  it("reloads its records and reconciles them with the disk at open", async () => {
    const first = new FileStore(root, records(), silentLogger);
    await first.open();
    const kept = file();
    const lost = file();
    await put(first, kept);
    await put(first, lost);
    rmSync(path.join(root, "files", lost.id));
    writeFileSync(path.join(root, "files", newFileId()), "stray");
    writeFileSync(path.join(root, "incoming", "partial"), "half");

    const second = new FileStore(root, records(), silentLogger);
    await second.open();
    expect(second.get(kept.id, 0)).toEqual(kept);
    expect(second.get(lost.id, 0)).toBeUndefined();
    expect(readdirSync(path.join(root, "files"))).toEqual([kept.id]);
    expect(readdirSync(path.join(root, "incoming"))).toEqual([]);
    expect([...(await records().getAll("")).keys()]).toEqual([kept.id]);
  });

  it("removes everything an owner uploaded", async () => {
    const store = new FileStore(root, records(), silentLogger);
    await store.open();
    await put(store, file({ owner: "a@example" }));
    await put(store, file({ owner: "a@example" }));
    const other = file({ owner: "b@example" });
    await put(store, other);
    expect(await store.removeOwner("a@example")).toBe(2);
    expect(readdirSync(path.join(root, "files"))).toEqual([other.id]);
  });

  it("builds paths from ids of its own shape only", () => {
    const store = new FileStore(root, records(), silentLogger);
    expect(() => store.incomingPath("../../etc/passwd")).toThrow();
    expect(() => store.pathOf(file({ id: "../x" }))).toThrow();
  });
});
