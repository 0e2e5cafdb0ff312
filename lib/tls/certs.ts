/**
 * The server's own certificates: which one to present for which virtual host, generating a
 * self-signed one where none is configured, and the cached TLS contexts built from them.
 *
 * Lookup follows the same RFC 9525 rules a peer will apply to what we present: exact name first,
 * then a wildcard covering exactly one left-most label; among several, the one that runs longest.
 *
 * References:
 * - RFC 6120 §13.7.1.2 (server certificates), RFC 7590 §3.1 (SNI selects the certificate)
 * - RFC 9525 §6.3 (wildcard rules), §6.4 (A-label comparison)
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { access } from "node:fs/promises";
import * as path from "node:path";
import * as tls from "node:tls";
import { findCertificateFiles, loadCertificateEntry } from "./cert-files";
import { hardenedContextOptions } from "./context-options";
import type { CertificateEntry } from "./entry";
import { dnsNameMatches, toALabel } from "./names";
import { generateSelfSigned } from "./self-signed";
import { trustedCaList, type TrustOptions } from "./trust";

export type { CertificateEntry } from "./entry";
export { generateSelfSigned, type SelfSignedOptions } from "./self-signed";

export interface CertLogger {
  info(msg: string): void;
  warn(msg: string): void;
}

const DAY = 24 * 3600_000;

export class CertificateStore {
  private entries: CertificateEntry[] = [];
  private readonly contexts = new Map<string, tls.SecureContext>();
  private readonly pems = new Map<string, { cert: string; key: string }>();
  private readonly pending = new Map<string, Promise<CertificateEntry>>();
  private readonly log: CertLogger;

  constructor(
    readonly dir: string,
    log?: CertLogger,
  ) {
    this.log = log ?? { info: () => {}, warn: () => {} };
  }

  /**
   * (Re)scans the directory. Contexts are rebuilt lazily afterwards, so renewed certificates reach
   * new SNI handshakes; a server's no-SNI default context is fixed when the server is created.
   */
  async load(): Promise<void> {
    const problems: string[] = [];
    const pairs = await findCertificateFiles(this.dir, problems);
    const loaded: CertificateEntry[] = [];
    for (const pair of pairs) {
      try {
        const entry = await loadCertificateEntry(pair);
        if (entry.notAfter.getTime() < Date.now()) {
          this.log.warn(`certificate ${entry.certPath} for ${entry.names.join(", ")} expired on ${entry.notAfter.toISOString()}`);
        }
        loaded.push(entry);
      } catch (err) {
        problems.push(`ignoring ${pair.certPath}: ${(err as Error).message}`);
      }
    }
    for (const p of problems) this.log.warn(p);
    this.entries = loaded;
    this.contexts.clear();
    this.pems.clear();
  }

  /** All loaded entries (for admin listings and expiry monitoring). */
  list(): readonly CertificateEntry[] {
    return this.entries;
  }

  find(host: string): CertificateEntry | undefined {
    const name = toALabel(host);
    if (name === undefined) return undefined;
    const exact = this.entries.filter((e) => e.names.includes(name));
    if (exact.length > 0) return latest(exact);
    const wild = this.entries.filter((e) => e.names.some((n) => n.startsWith("*.") && dnsNameMatches(n, name)));
    return wild.length > 0 ? latest(wild) : undefined;
  }

  /**
   * find(), or generate a self-signed certificate into the directory. Concurrent calls for one
   * host share one generation. A self-signed certificate of ours that has (nearly) run out is
   * replaced; an unloadable file an admin put at the target path is never overwritten.
   */
  async ensure(host: string): Promise<CertificateEntry> {
    const name = toALabel(host);
    if (name === undefined) throw new Error(`invalid host name ${JSON.stringify(host)}`);
    const found = this.find(name);
    const ownPath = path.join(this.dir, `${name}.crt`);
    const stale = found !== undefined && found.selfSigned && found.certPath === ownPath && found.notAfter.getTime() < Date.now() + DAY;
    if (found && !stale) return found;

    let p = this.pending.get(name);
    if (!p) {
      p = this.generate(name, stale ? found : undefined).finally(() => this.pending.delete(name));
      this.pending.set(name, p);
    }
    return p;
  }

  private async generate(name: string, replacing: CertificateEntry | undefined): Promise<CertificateEntry> {
    if (!replacing) {
      for (const f of [`${name}.crt`, `${name}.key`]) {
        if (await exists(path.join(this.dir, f))) {
          throw new Error(`refusing to overwrite ${path.join(this.dir, f)}, which exists but could not be loaded`);
        }
      }
    }
    const entry = await generateSelfSigned(name, this.dir);
    this.entries = [...this.entries.filter((e) => e !== replacing), entry];
    this.forget(entry.certPath);
    this.log.info(`generated a self-signed certificate for ${name} at ${entry.certPath}`);
    return entry;
  }

  /**
   * Cached context for the host's certificate. `trust` adds the CAs used to verify certificates
   * that peers present (only needed with requestCert); contexts are cached per trust set.
   * Throws if no certificate covers the host: call ensure() (or check find()) first.
   */
  secureContext(host: string, trust?: TrustOptions): tls.SecureContext {
    const entry = this.find(host);
    if (!entry) throw new Error(`no certificate for ${host}; call ensure() first`);
    const cacheKey = `${entry.certPath}\0${trustKey(trust)}`;
    let ctx = this.contexts.get(cacheKey);
    if (!ctx) {
      const { cert, key } = this.credentials(host);
      ctx = tls.createSecureContext({ ...hardenedContextOptions(), cert, key, ...(trust ? { ca: trustedCaList(trust) } : {}) });
      this.contexts.set(cacheKey, ctx);
    }
    return ctx;
  }

  /** PEM text of the host's certificate chain and key (tls.createServer needs them for its no-SNI default). */
  credentials(host: string): { cert: string; key: string } {
    const entry = this.find(host);
    if (!entry) throw new Error(`no certificate for ${host}; call ensure() first`);
    let pem = this.pems.get(entry.certPath);
    if (!pem) {
      pem = { cert: readFileSync(entry.certPath, "utf8"), key: readFileSync(entry.keyPath, "utf8") };
      this.pems.set(entry.certPath, pem);
    }
    return pem;
  }

  private forget(certPath: string): void {
    this.pems.delete(certPath);
    for (const k of this.contexts.keys()) if (k.startsWith(`${certPath}\0`)) this.contexts.delete(k);
  }
}

function latest(entries: CertificateEntry[]): CertificateEntry {
  return entries.reduce((a, b) => (b.notAfter.getTime() > a.notAfter.getTime() ? b : a));
}

const trustKeys = new WeakMap<TrustOptions, string>();

function trustKey(trust: TrustOptions | undefined): string {
  if (!trust) return "";
  let k = trustKeys.get(trust);
  if (k === undefined) {
    k = createHash("sha256").update(JSON.stringify([trust.useSystemStore, trust.ca])).digest("hex");
    trustKeys.set(trust, k);
  }
  return k;
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}
