/**
 * Persistent rooms in storage: one map entry per room (the host-wide user ""), holding the
 * configuration, affiliations, subject and occupant-id key. Occupants and history are not kept:
 * after a restart clients join again. Writes for one room are chained so they land in order.
 *
 * References:
 * - XEP-0045 §10.1.3 (muc#roomconfig_persistentroom: the room outlives its last occupant)
 * - reliability.md §6 D1 (a change is acknowledged only once committed)
 */
import type { MapStore, Json } from "../../lib/storage/types";
import type { Subject } from "./room";
import type { Room } from "./room";
import { AFFILIATIONS, type AffiliationEntry, type RoomConfig, defaultConfig } from "./types";

export interface StoredRoom {
  [k: string]: Json;
  v: 1;
  config: Json;
  affiliations: Json;
  subject: Json;
  secret: string;
}

export interface LoadedRoom {
  config: RoomConfig;
  affiliations: [string, AffiliationEntry][];
  subject: Subject | undefined;
  secret: Buffer;
}

export function encodeRoom(room: Room): StoredRoom {
  const affiliations: Json = [...room.affiliations].map(([jid, e]) => {
    const entry: Record<string, Json> = { affiliation: e.affiliation };
    if (e.nick !== undefined) entry.nick = e.nick;
    if (e.reason !== undefined) entry.reason = e.reason;
    return [jid, entry];
  });
  const s = room.subject;
  const subject: Json = s
    ? { text: s.text, at: s.at.toISOString(), ...(s.nick !== undefined ? { nick: s.nick } : {}), ...(s.occupantId !== undefined ? { occupantId: s.occupantId } : {}) }
    : null;
  return { v: 1, config: { ...room.config }, affiliations, subject, secret: room.secret.toString("base64") };
}

const isObject = (v: Json | undefined): v is { [k: string]: Json } => typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads a stored room, taking each known setting only when it has the right type (a damaged row keeps defaults). */
export function decodeRoom(value: Json, maxUsers: number): LoadedRoom {
  if (!isObject(value) || value.v !== 1 || typeof value.secret !== "string") throw new Error("not a stored room (v1)");
  const config = defaultConfig(maxUsers);
  const stored = isObject(value.config) ? value.config : {};
  const target = config as unknown as Record<string, Json>;
  for (const key of Object.keys(config)) {
    const v = stored[key];
    if (v !== undefined && typeof v === typeof target[key]) target[key] = v;
  }
  config.maxUsers = Math.max(1, Math.min(Math.trunc(config.maxUsers), maxUsers));
  const affiliations: [string, AffiliationEntry][] = [];
  for (const pair of Array.isArray(value.affiliations) ? value.affiliations : []) {
    if (!Array.isArray(pair) || typeof pair[0] !== "string" || !isObject(pair[1])) continue;
    const e = pair[1];
    const affiliation = e.affiliation as AffiliationEntry["affiliation"];
    if (!AFFILIATIONS.includes(affiliation) || (affiliation as string) === "none") continue;
    affiliations.push([pair[0], { affiliation, nick: typeof e.nick === "string" ? e.nick : undefined, reason: typeof e.reason === "string" ? e.reason : undefined }]);
  }
  const s = value.subject;
  const subject = isObject(s) && typeof s.text === "string" && typeof s.at === "string"
    ? { text: s.text, at: new Date(s.at), nick: typeof s.nick === "string" ? s.nick : undefined, occupantId: typeof s.occupantId === "string" ? s.occupantId : undefined }
    : undefined;
  return { config, affiliations, subject, secret: Buffer.from(value.secret, "base64") };
}

export class RoomStore {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly map: MapStore<Json>) {}

  async loadAll(): Promise<Map<string, Json>> {
    return this.map.getAll("");
  }

  /** Writes the room as it is now; resolves once committed. */
  save(room: Room): Promise<void> {
    return this.enqueue(room.jid.local, encodeRoom(room));
  }

  delete(local: string): Promise<void> {
    return this.enqueue(local, undefined);
  }

  private enqueue(local: string, value: StoredRoom | undefined): Promise<void> {
    const prev = this.chains.get(local) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(() => this.map.set("", local, value));
    this.chains.set(local, next);
    const forget = () => {
      if (this.chains.get(local) === next) this.chains.delete(local);
    };
    next.then(forget, forget);
    return next;
  }
}
