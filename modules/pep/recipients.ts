/**
 * The resources each account's PEP service may notify: the account's own available resources and
 * its subscribers' resources that sent it presence, each with the nodes its entity capabilities
 * ask for. Kept in memory only: presence rebuilds it after a restart.
 *
 * References:
 * - XEP-0163 §4 (notify the owner's resources and contacts sharing presence, filtered by interest),
 *   §4.3.2 (one notification per available resource with non-negative priority and interest)
 */
import type { CapsRef, Interest } from "./caps";

export interface Recipient {
  full: string;
  bare: string;
  /** One of the owner's own resources. */
  own: boolean;
  priority: number;
  caps: CapsRef | undefined;
  /** Empty until the caps are resolved (and for resources without caps). */
  interest: Interest;
}

export const NO_INTEREST: Interest = new Set<string>();

export class RecipientTable {
  /** owner localpart → full JID → recipient; Maps only, since both come from the network. */
  private readonly byOwner = new Map<string, Map<string, Recipient>>();

  constructor(private readonly maxPerOwner: number) {}

  get(owner: string, full: string): Recipient | undefined {
    return this.byOwner.get(owner)?.get(full);
  }

  /** Records a recipient; false (and nothing kept) when the owner already tracks too many. */
  set(owner: string, r: Recipient): boolean {
    let m = this.byOwner.get(owner);
    if (!m) this.byOwner.set(owner, (m = new Map()));
    if (!m.has(r.full) && m.size >= this.maxPerOwner) return false;
    m.set(r.full, r);
    return true;
  }

  /** Removes `full`, but only while it is still `expected` when that is given. */
  remove(owner: string, full: string, expected?: Recipient): void {
    const m = this.byOwner.get(owner);
    if (!m || (expected && m.get(full) !== expected)) return;
    m.delete(full);
    if (m.size === 0) this.byOwner.delete(owner);
  }

  of(owner: string): Recipient[] {
    return [...(this.byOwner.get(owner)?.values() ?? [])];
  }

  dropOwner(owner: string): void {
    this.byOwner.delete(owner);
  }

  /** Entries across all owners (for tests: the table must not grow without bound). */
  get size(): number {
    let n = 0;
    for (const m of this.byOwner.values()) n += m.size;
    return n;
  }
}
