/**
 * Each account's archiving preferences in a keyval store, with a bounded cache in front because
 * every archived message consults them. An account that never set any has the host's default.
 */
import type { KeyValStore } from "../../lib/storage/types";
import { DEFAULTS, DefaultPref, Prefs } from "./prefs";

const CACHE_SIZE = 2000;

function valid(v: unknown): v is Prefs {
  if (typeof v !== "object" || v === null) return false;
  const p = v as Record<string, unknown>;
  const list = (l: unknown) => Array.isArray(l) && l.every((j) => typeof j === "string");
  return (DEFAULTS as readonly unknown[]).includes(p.default) && list(p.always) && list(p.never);
}

export class PrefsStore {
  private readonly cache = new Map<string, Prefs>();
  /** Bumped by every write and forget, so a read that raced one does not cache what it saw. */
  private changes = 0;

  constructor(
    private readonly kv: KeyValStore<Prefs>,
    private readonly hostDefault: DefaultPref,
  ) {}

  async get(user: string): Promise<Prefs> {
    const hit = this.cache.get(user);
    if (hit) return hit;
    const seen = this.changes;
    const stored = await this.kv.get(user);
    // A row we cannot read is treated as never written rather than blocking the account's messages.
    const prefs = valid(stored) ? stored : { default: this.hostDefault, always: [], never: [] };
    if (seen === this.changes) this.remember(user, prefs);
    return prefs;
  }

  async set(user: string, prefs: Prefs): Promise<void> {
    this.changes++;
    this.cache.delete(user);
    await this.kv.set(user, prefs);
    this.changes++;
    this.remember(user, prefs);
  }

  /** Storage already dropped the account's rows (account deletion). */
  forget(user: string): void {
    this.changes++;
    this.cache.delete(user);
  }

  private remember(user: string, prefs: Prefs): void {
    this.cache.delete(user);
    this.cache.set(user, prefs);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
  }
}
