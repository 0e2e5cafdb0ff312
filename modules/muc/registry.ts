/**
 * The rooms of one MUC service: lookup, creation within the service's limits, loading persistent
 * rooms at start, and keeping storage in step with each room's persistence setting.
 *
 * References:
 * - XEP-0045 §10.1.1 (creation may be restricted: not-allowed), §7.14 (a temporary room goes
 *   with its last occupant), §10.9 (a destroyed room goes even when persistent)
 * - XEP-0045 §17.1 (room IDs are localparts; the JID layer has already prepared them)
 */
import { randomBytes } from "node:crypto";
import { type JID, parseJid } from "../../lib/jid";
import type { Logger } from "../../lib/log";
import { History } from "./history";
import type { MucOptions } from "./options";
import { Room } from "./room";
import { decodeRoom, RoomStore } from "./store";
import { defaultConfig } from "./types";

export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  readonly admins: ReadonlySet<string>;

  constructor(
    private readonly service: string,
    private readonly store: RoomStore,
    private readonly options: MucOptions,
    private readonly log: Logger,
  ) {
    const admins = new Set<string>();
    for (const a of options.muc_admins) {
      try {
        admins.add(parseJid(a).bare.toString());
      } catch {
        log.warn("muc_admins: ignoring an entry that is not a JID", { entry: a });
      }
    }
    this.admins = admins;
  }

  async load(): Promise<void> {
    for (const [local, value] of await this.store.loadAll()) {
      try {
        const r = decodeRoom(value, this.options.muc_max_occupants);
        const room = this.make(local, r.secret);
        room.config = r.config;
        for (const [jid, e] of r.affiliations) room.affiliations.set(jid, e);
        room.subject = r.subject;
        room.stored = true;
        this.rooms.set(local, room);
      } catch (err) {
        this.log.warn("skipping a stored room that cannot be read", { room: local, err: err as Error });
      }
    }
  }

  get(local: string): Room | undefined {
    return this.rooms.get(local);
  }

  all(): IterableIterator<Room> {
    return this.rooms.values();
  }

  get size(): number {
    return this.rooms.size;
  }

  mayCreate(user: JID): boolean {
    return !this.options.muc_restrict_room_creation || this.admins.has(user.bare.toString());
  }

  get full(): boolean {
    return this.rooms.size >= this.options.muc_max_rooms;
  }

  create(local: string): Room {
    const room = this.make(local, randomBytes(32));
    this.rooms.set(local, room);
    return room;
  }

  /** Brings storage in line with the room's persistence setting; resolves once committed. */
  async persist(room: Room): Promise<void> {
    if (room.destroyed) return;
    if (room.config.persistent) {
      await this.store.save(room);
      room.stored = true;
    } else if (room.stored) {
      await this.store.delete(room.jid.local);
      room.stored = false;
    }
  }

  /** Removes the room from the service and from storage. */
  async forget(room: Room): Promise<void> {
    room.destroyed = true;
    if (this.rooms.get(room.jid.local) === room) this.rooms.delete(room.jid.local);
    if (room.stored) {
      room.stored = false;
      await this.store.delete(room.jid.local);
    }
  }

  private make(local: string, secret: Buffer): Room {
    const jid = parseJid(`${local}@${this.service}`);
    return new Room(jid, defaultConfig(this.options.muc_max_occupants), new History(this.options.muc_max_history), secret, this.admins);
  }
}
