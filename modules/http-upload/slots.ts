/**
 * Slots handed out and not used yet; each is good for one successful upload until it expires.
 * They live in memory: a restart voids them, which costs a client one new request, as slots are
 * meant to be short-lived anyway.
 *
 * References:
 * - XEP-0363 §4 (a slot is a PUT and a GET URL), §6 (201 once stored; after a failure the client
 *   may try again), §7 (a short slot lifetime)
 * - reliability.md HTTP-03 (expiring slots)
 */
export interface Slot {
  readonly id: string;
  readonly token: string;
  /** The requester's bare JID. */
  readonly owner: string;
  readonly filename: string;
  readonly size: number;
  readonly contentType: string | undefined;
  readonly created: number;
  readonly expires: number;
  /** A PUT is being received for it: a second one is refused meanwhile. */
  uploading: boolean;
}

export class SlotTable {
  private readonly slots = new Map<string, Slot>();

  add(slot: Slot): void {
    this.slots.set(slot.id, slot);
  }

  /** The live slot with that id. An expired one is forgotten here, unless its upload is under way. */
  get(id: string, now: number): Slot | undefined {
    const slot = this.slots.get(id);
    if (slot && slot.expires <= now && !slot.uploading) {
      this.slots.delete(id);
      return undefined;
    }
    return slot;
  }

  delete(id: string): void {
    this.slots.delete(id);
  }

  ownedBy(owner: string, now: number): Slot[] {
    return [...this.slots.values()].filter((s) => s.owner === owner && (s.expires > now || s.uploading));
  }

  /** Drops expired slots; an upload that started in time may finish. */
  sweep(now: number): void {
    for (const [id, slot] of this.slots) if (slot.expires <= now && !slot.uploading) this.slots.delete(id);
  }

  dropOwner(owner: string): void {
    for (const [id, slot] of this.slots) if (slot.owner === owner) this.slots.delete(id);
  }

  clear(): void {
    this.slots.clear();
  }
}
