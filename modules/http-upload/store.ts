/**
 * Uploaded files: the bytes under `<root>/files/<id>`, and what is known about each (owner, name,
 * type, size, times) in the module's storage under the same random id. An upload is written under
 * `<root>/incoming/` and renamed into files/ only once complete and flushed, so nothing is served
 * half-written. At start-up the disk and the records are made to agree: leftover partial uploads,
 * files nobody recorded and records without a file are removed.
 *
 * References:
 * - XEP-0363 §6 (201 means the file is served from now on), §7 (how long files are kept is the
 *   service's choice)
 * - reliability.md HTTP-02 (only files from the table are served: paths come from our ids, never
 *   from a request), DUR-13 (retention), §6 (a write that resolved has been committed)
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, unlink } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "../../lib/log";
import type { Json, MapStore } from "../../lib/storage/types";
import { FILE_ID } from "./tokens";

export interface StoredFile {
  readonly id: string;
  /** The uploader's bare JID. */
  readonly owner: string;
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly created: number;
  readonly expires: number;
}

/** Host-wide records live under the empty user. */
const ALL = "";

function fromRecord(id: string, v: Json): StoredFile | undefined {
  if (!FILE_ID.test(id) || v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
  const { owner, filename, contentType, size, created, expires } = v;
  if (typeof owner !== "string" || typeof filename !== "string" || typeof contentType !== "string") return undefined;
  if (typeof size !== "number" || typeof created !== "number" || typeof expires !== "number") return undefined;
  return { id, owner, filename, contentType, size, created, expires };
}

function toRecord(f: StoredFile): Json {
  return { owner: f.owner, filename: f.filename, contentType: f.contentType, size: f.size, created: f.created, expires: f.expires };
}

async function unlinkQuietly(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
}

export class FileStore {
  private readonly files = new Map<string, StoredFile>();
  private readonly filesDir: string;
  private readonly incomingDir: string;

  constructor(
    root: string,
    private readonly records: MapStore<Json>,
    private readonly log: Logger,
  ) {
    this.filesDir = path.join(root, "files");
    this.incomingDir = path.join(root, "incoming");
  }

  async open(): Promise<void> {
    await mkdir(this.filesDir, { recursive: true, mode: 0o700 });
    await mkdir(this.incomingDir, { recursive: true, mode: 0o700 });
    for (const name of await readdir(this.incomingDir)) await unlinkQuietly(path.join(this.incomingDir, name));
    const onDisk = new Set(await readdir(this.filesDir));
    for (const [id, value] of await this.records.getAll(ALL)) {
      const file = fromRecord(id, value);
      if (file && onDisk.has(id)) this.files.set(id, file);
      else await this.records.set(ALL, id, undefined);
    }
    let orphans = 0;
    for (const name of onDisk) {
      if (this.files.has(name)) continue;
      await unlinkQuietly(path.join(this.filesDir, name));
      orphans++;
    }
    if (orphans > 0) this.log.info("removed files the upload records did not know", { count: orphans });
  }

  /** The file with that id, unless it has expired. */
  get(id: string, now: number): StoredFile | undefined {
    const file = this.files.get(id);
    return file && file.expires > now ? file : undefined;
  }

  /** True while the id names a file, expired or not (its URL cannot be given out again). */
  has(id: string): boolean {
    return this.files.has(id);
  }

  ownedBy(owner: string): StoredFile[] {
    return [...this.files.values()].filter((f) => f.owner === owner);
  }

  /** Where a stored file's bytes are: built from the record's id, which has our shape. */
  pathOf(file: StoredFile): string {
    if (!FILE_ID.test(file.id)) throw new Error("not a file id");
    return path.join(this.filesDir, file.id);
  }

  /** A fresh path for receiving an upload. */
  incomingPath(id: string): string {
    if (!FILE_ID.test(id)) throw new Error("not a file id");
    return path.join(this.incomingDir, `${id}.${randomBytes(6).toString("hex")}`);
  }

  /** Moves a complete, flushed upload into place and records it; afterwards it is served. */
  async commit(incoming: string, file: StoredFile): Promise<void> {
    const final = this.pathOf(file);
    await rename(incoming, final);
    try {
      await this.records.set(ALL, file.id, toRecord(file));
    } catch (err) {
      await unlinkQuietly(final);
      throw err;
    }
    this.files.set(file.id, file);
  }

  async discard(incoming: string): Promise<void> {
    await unlinkQuietly(incoming);
  }

  /** Stops serving the file, then deletes its bytes and its record. */
  async remove(id: string): Promise<void> {
    const file = this.files.get(id);
    if (!file) return;
    this.files.delete(id);
    await unlinkQuietly(this.pathOf(file));
    await this.records.set(ALL, id, undefined);
  }

  /** Deletes the files that have expired; resolves to how many. */
  async sweep(now: number): Promise<number> {
    const expired = [...this.files.values()].filter((f) => f.expires <= now);
    for (const f of expired) await this.remove(f.id);
    return expired.length;
  }

  async removeOwner(owner: string): Promise<number> {
    const owned = this.ownedBy(owner);
    for (const f of owned) await this.remove(f.id);
    return owned.length;
  }
}
