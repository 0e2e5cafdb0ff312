/**
 * Keeping the service's state from outliving its purpose: a periodic sweep drops expired slots
 * and deletes expired files from disk, and a deleted account's slots and files go with it.
 *
 * References:
 * - XEP-0363 §7 (slot timeout; how long files are kept)
 * - reliability.md DUR-13 (retention: removed from disk), AUTH-14 (account deletion removes the
 *   account's uploads)
 */
import type { ModuleContext } from "../../lib/module-host/define";
import type { UploadOptions } from "./options";
import type { SlotTable } from "./slots";
import type { FileStore } from "./store";

/** Sweeps at a quarter of the shortest lifetime, between 250 ms and a minute; one sweep at a time. */
export function scheduleSweeps(mod: ModuleContext, o: UploadOptions, slots: SlotTable, store: FileStore): void {
  let sweeping = false;
  const sweep = () => {
    slots.sweep(Date.now());
    if (sweeping) return;
    sweeping = true;
    void store
      .sweep(Date.now())
      .then(
        (n) => {
          if (n > 0) mod.log.info("deleted expired uploads", { count: n });
        },
        (err: unknown) => mod.log.error("deleting expired uploads failed; retrying at the next sweep", { err: err as Error }),
      )
      .finally(() => (sweeping = false));
  };
  const shortest = Math.min(o.http_upload_slot_expire_after, o.http_upload_expire_after);
  mod.timers.every(Math.min(60_000, Math.max(250, Math.floor(shortest / 4))), sweep);
}

/** The user-deleted event fires on the account's own host, so the component listens on each. */
export function forgetDeletedAccounts(mod: ModuleContext, slots: SlotTable, store: FileStore): void {
  for (const h of mod.server.hosts.values()) {
    if (h.kind !== "local") continue;
    const off = h.events.on<{ host: string; user: string }>("user-deleted", ({ host, user }) => {
      const owner = `${user}@${host}`;
      slots.dropOwner(owner);
      store.removeOwner(owner).catch((err: unknown) => mod.log.error("deleting a removed account's uploads failed", { err: err as Error }));
    });
    mod.onUnload(off);
  }
}
