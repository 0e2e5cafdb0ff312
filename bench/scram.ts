/**
 * SCRAM-SHA-1/256 client for the load generator, with the salted-password keys cached per
 * (mechanism, user, salt, iterations): the PBKDF2 work is done once per account, outside the timed
 * phases, so login figures measure the server and not the generator's key stretching. The cache can
 * be saved to a JSON file and reused across runs (the accounts stay, so do their salts).
 *
 * RFC 5802 §3 (ClientProof, ServerSignature), §5 (exchange); RFC 7677 (SHA-256). gs2 header "n,,"
 * (no channel binding), ASCII user names and passwords only (the bench's own accounts).
 */
import { createHash, createHmac, pbkdf2, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export type ScramMech = "SCRAM-SHA-1" | "SCRAM-SHA-256";
const ALGO: Record<ScramMech, { name: "sha1" | "sha256"; len: number }> = {
  "SCRAM-SHA-1": { name: "sha1", len: 20 },
  "SCRAM-SHA-256": { name: "sha256", len: 32 },
};

interface Keys {
  salt: string;
  iterations: number;
  clientKey: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

export class ScramKeyCache {
  private readonly map = new Map<string, Keys>();
  /** PBKDF2 computations done (cache misses). */
  misses = 0;
  private dirty = false;

  constructor(readonly file?: string) {
    if (file && existsSync(file)) {
      try {
        const raw = JSON.parse(readFileSync(file, "utf8")) as Record<string, [string, number, string, string]>;
        for (const [k, [salt, iterations, ck, sk]] of Object.entries(raw)) {
          const clientKey = Buffer.from(ck, "base64");
          const mech = k.slice(0, k.indexOf("|")) as ScramMech;
          this.map.set(k, { salt, iterations, clientKey, storedKey: createHash(ALGO[mech].name).update(clientKey).digest(), serverKey: Buffer.from(sk, "base64") });
        }
      } catch {
        // a damaged cache only costs recomputation
      }
    }
  }

  has(mech: ScramMech, user: string): boolean {
    return this.map.has(`${mech}|${user}`);
  }

  async keys(mech: ScramMech, user: string, password: string, salt: string, iterations: number): Promise<Keys> {
    const key = `${mech}|${user}`;
    const hit = this.map.get(key);
    if (hit && hit.salt === salt && hit.iterations === iterations) return hit;
    this.misses++;
    const { name, len } = ALGO[mech];
    const salted = await new Promise<Buffer>((resolve, reject) =>
      pbkdf2(password, Buffer.from(salt, "base64"), iterations, len, name, (err, out) => (err ? reject(err) : resolve(out))),
    );
    const clientKey = createHmac(name, salted).update("Client Key").digest();
    const keys: Keys = {
      salt,
      iterations,
      clientKey,
      storedKey: createHash(name).update(clientKey).digest(),
      serverKey: createHmac(name, salted).update("Server Key").digest(),
    };
    this.map.set(key, keys);
    this.dirty = true;
    return keys;
  }

  save(): void {
    if (!this.file || !this.dirty) return;
    const out: Record<string, [string, number, string, string]> = {};
    for (const [k, v] of this.map) out[k] = [v.salt, v.iterations, v.clientKey.toString("base64"), v.serverKey.toString("base64")];
    mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileSync(this.file, JSON.stringify(out));
    this.dirty = false;
  }

  clear(): void {
    this.map.clear();
    this.dirty = true;
  }
}

/** One SCRAM exchange. */
export class ScramExchange {
  private readonly cnonce = randomBytes(18).toString("base64");
  private readonly firstBare: string;
  private expectedV = "";

  constructor(
    readonly mech: ScramMech,
    private readonly user: string,
    private readonly password: string,
    private readonly cache: ScramKeyCache,
  ) {
    this.firstBare = `n=${user},r=${this.cnonce}`;
  }

  first(): string {
    return Buffer.from(`n,,${this.firstBare}`).toString("base64");
  }

  /** client-final-message (base64) for the server-first-message (base64). */
  async final(serverFirstB64: string): Promise<string> {
    const serverFirst = Buffer.from(serverFirstB64, "base64").toString("utf8");
    const m = /^r=([^,]+),s=([^,]+),i=(\d+)/.exec(serverFirst);
    if (!m || !m[1]!.startsWith(this.cnonce)) throw new Error(`SCRAM: unexpected server-first-message ${JSON.stringify(serverFirst)}`);
    const keys = await this.cache.keys(this.mech, this.user, this.password, m[2]!, Number(m[3]));
    const withoutProof = `c=biws,r=${m[1]}`;
    const authMessage = `${this.firstBare},${serverFirst},${withoutProof}`;
    const { name } = ALGO[this.mech];
    const sig = createHmac(name, keys.storedKey).update(authMessage).digest();
    for (let i = 0; i < sig.length; i++) sig[i] = sig[i]! ^ keys.clientKey[i]!;
    this.expectedV = `v=${createHmac(name, keys.serverKey).update(authMessage).digest("base64")}`;
    return Buffer.from(`${withoutProof},p=${sig.toString("base64")}`).toString("base64");
  }

  /** The server-final-message (base64, from <success/> or a last challenge) proves the server knows the key. */
  verify(serverFinalB64: string): boolean {
    return Buffer.from(serverFinalB64, "base64").toString("utf8") === this.expectedV;
  }
}
