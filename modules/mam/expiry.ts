/**
 * Archive retention: items older than the configured age are deleted by a periodic sweep over the
 * host's accounts. Deleting by age removes the oldest items first, so the archive keeps no holes
 * (XEP-0313 §3.2); ids are never reused because generated keys carry time and randomness.
 *
 * References:
 * - XEP-0313 §3.2 (a server MAY drop messages past an age; only the oldest, no gaps)
 * - reliability.md DUR-13 (retention)
 */
import type { ModuleContext } from "../../lib/module-host/define";
import type { ArchiveStore } from "../../lib/storage/types";
import type { ArchivedMessage } from "./record";

const HOUR = 3_600_000;

/** Deletes the listed accounts' items older than `maxAgeMs`; resolves to how many went. */
export async function sweepExpired(users: string[], store: ArchiveStore<ArchivedMessage>, maxAgeMs: number, now = Date.now()): Promise<number> {
  const end = new Date(now - maxAgeMs);
  let removed = 0;
  for (const user of users) removed += await store.delete(user, { end });
  return removed;
}

/** Sweeps every hour (or sooner for a shorter retention); one sweep at a time. */
export function scheduleExpiry(mod: ModuleContext, store: ArchiveStore<ArchivedMessage>, maxAgeMs: number): void {
  let running = false;
  const sweep = () => {
    if (running) return;
    running = true;
    void mod.server.accounts
      .list(mod.hostName)
      .then((users) => sweepExpired(users, store, maxAgeMs))
      .then(
        (n) => {
          if (n > 0) mod.log.info("deleted expired archive items", { count: n });
        },
        (err: unknown) => mod.log.error("archive expiry sweep failed; retrying at the next one", { err: err as Error }),
      )
      .finally(() => (running = false));
  };
  mod.timers.every(Math.max(1000, Math.min(maxAgeMs, HOUR)), sweep);
}
