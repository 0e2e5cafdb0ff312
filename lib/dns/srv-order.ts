/**
 * The order in which to try SRV targets: ascending priority, and within one priority a weighted
 * random pick, repeated until none is left.
 *
 * References:
 * - RFC 2782 ("Usage rules": weight 0 records first in the list, running sums, uniform pick)
 * - XEP-0368 §3 (xmpps- and xmpp- records are ordered together as one set)
 */

export interface Weighted {
  priority: number;
  weight: number;
}

export function orderSrv<T extends Weighted>(records: readonly T[], random: () => number = Math.random): T[] {
  const byPriority = new Map<number, T[]>();
  for (const r of records) {
    const list = byPriority.get(r.priority);
    if (list) list.push(r);
    else byPriority.set(r.priority, [r]);
  }
  const out: T[] = [];
  for (const priority of [...byPriority.keys()].sort((a, b) => a - b)) {
    // Zero-weight records go first so that they keep a (small) chance of being picked early.
    const left = [...byPriority.get(priority)!].sort((a, b) => (a.weight === 0 ? 0 : 1) - (b.weight === 0 ? 0 : 1));
    while (left.length > 0) {
      const total = left.reduce((n, r) => n + r.weight, 0);
      const pick = Math.floor(random() * (total + 1));
      let running = 0;
      let index = left.length - 1;
      for (let i = 0; i < left.length; i++) {
        running += left[i].weight;
        if (running >= pick) {
          index = i;
          break;
        }
      }
      out.push(left.splice(index, 1)[0]);
    }
  }
  return out;
}
