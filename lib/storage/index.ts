export type { ArchiveItem, ArchiveQuery, ArchiveStore, Json, KeyValStore, MapStore, StorageDriver } from "./types";
export { ArchiveKeyNotFoundError } from "./archive-query";
export { MemoryDriver } from "./memory";
export { SqliteDriver, type SqliteDriverOptions } from "./sqlite";
