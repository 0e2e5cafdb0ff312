/**
 * Registrations per client address (the caller's key: an IPv4 address or an IPv6 /64) in a sliding
 * window, so one address cannot mint accounts in bulk.
 *
 * References:
 * - XEP-0077 §11 (in-band registration is a policy matter); reliability.md AUTH-13 (throttle per IP)
 */

export class RegistrationThrottle {
  private readonly byAddress = new Map<string, number[]>();

  /** `max` 0 turns the throttle off. */
  constructor(
    private readonly max: number,
    private readonly periodMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  allows(address: string): boolean {
    if (this.max === 0) return true;
    return this.recent(address).length < this.max;
  }

  record(address: string): void {
    if (this.max === 0) return;
    const times = this.recent(address);
    times.push(this.now());
    this.byAddress.set(address, times);
  }

  /** Forgets addresses with nothing in the window, so the map holds only recent registrants. */
  prune(): void {
    for (const address of [...this.byAddress.keys()]) {
      if (this.recent(address).length === 0) this.byAddress.delete(address);
    }
  }

  get size(): number {
    return this.byAddress.size;
  }

  private recent(address: string): number[] {
    const since = this.now() - this.periodMs;
    const times = (this.byAddress.get(address) ?? []).filter((t) => t > since);
    if (times.length) this.byAddress.set(address, times);
    else this.byAddress.delete(address);
    return times;
  }
}
