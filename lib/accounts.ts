/**
 * Accounts per host. Passwords are kept only as SCRAM credentials (salt, iteration count,
 * StoredKey, ServerKey) for SHA-1, SHA-256 and SHA-512; never in plain text.
 *
 * References:
 * - RFC 5802 §3, RFC 7677 (SCRAM credentials), XEP-0438 (password storage)
 */
import type { EventBus } from "./events";
import { prepLocal } from "./jid";
import { checkScramPassword, deriveScramCredentials, SCRAM_HASHES, ScramCredentials, ScramHash } from "./sasl/credentials";
import type { KeyValStore, StorageDriver } from "./storage/types";


const KNOWN_TTL_MS = 60_000;
const KNOWN_MAX = 100_000;

export interface AccountRecord {
  created: string;
  scram: Record<ScramHash, ScramCredentials>;
  [k: string]: unknown;
}

export class AccountError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AccountError";
  }
}

export class Accounts {
  constructor(
    private readonly storage: StorageDriver,
    private readonly busFor: (host: string) => EventBus | undefined,
    private readonly iterations?: number,
  ) {}

  private store(host: string): KeyValStore<any> {
    return this.storage.keyval(host, "accounts");
  }

  /**
   * Whether the account exists. Asked for every message to an account, so known accounts are
   * remembered for a minute (bounded); deletions through this object forget at once, and the
   * minute bounds how long a deletion by another process (the CLI) goes unnoticed.
   */
  async exists(host: string, user: string): Promise<boolean> {
    const key = `${host}\u0000${user}`;
    const seen = this.known.get(key);
    if (seen !== undefined && seen > Date.now()) return true;
    const found = (await this.store(host).get(user)) !== undefined;
    if (found) {
      if (this.known.size >= KNOWN_MAX) this.known.delete(this.known.keys().next().value as string);
      this.known.set(key, Date.now() + KNOWN_TTL_MS);
    } else {
      this.known.delete(key);
    }
    return found;
  }
  private readonly known = new Map<string, number>();

  async get(host: string, user: string): Promise<AccountRecord | undefined> {
    return (await this.store(host).get(user)) as AccountRecord | undefined;
  }

  async list(host: string): Promise<string[]> {
    return this.storage.listUsers(host, "accounts");
  }

  private async credentials(password: string): Promise<Record<ScramHash, ScramCredentials>> {
    const out = {} as Record<ScramHash, ScramCredentials>;
    for (const hash of SCRAM_HASHES) out[hash] = await deriveScramCredentials(password, hash, { iterations: this.iterations });
    return out;
  }

  async create(host: string, user: string, password: string): Promise<void> {
    const local = prepLocal(user);
    if (password.length === 0) throw new AccountError("the password must not be empty");
    if (await this.exists(host, local)) throw new AccountError(`${local}@${host} already exists`);
    const record: AccountRecord = { created: new Date().toISOString(), scram: await this.credentials(password) };
    await this.store(host).set(local, record as any);
    await this.busFor(host)?.fire("user-registered", { host, user: local });
  }

  async setPassword(host: string, user: string, password: string): Promise<void> {
    const local = prepLocal(user);
    const record = await this.get(host, local);
    if (!record) throw new AccountError(`${local}@${host} does not exist`);
    if (password.length === 0) throw new AccountError("the password must not be empty");
    record.scram = await this.credentials(password);
    await this.store(host).set(local, record as any);
    await this.busFor(host)?.fire("user-password-changed", { host, user: local });
  }

  async delete(host: string, user: string): Promise<void> {
    const local = prepLocal(user);
    if (!(await this.exists(host, local))) throw new AccountError(`${local}@${host} does not exist`);
    this.known.delete(`${host}\u0000${local}`);
    await this.storage.deleteUser(host, local);
    await this.busFor(host)?.fire("user-deleted", { host, user: local });
  }

  async scramCredentials(host: string, user: string, hash: ScramHash): Promise<ScramCredentials | undefined> {
    return (await this.get(host, user))?.scram?.[hash];
  }

  /** For PLAIN: recomputes StoredKey from the password with the stored salt, compared in constant time. */
  async checkPassword(host: string, user: string, password: string): Promise<boolean> {
    const creds = await this.scramCredentials(host, user, "sha256");
    return creds ? checkScramPassword(password, "sha256", creds) : false;
  }

}
