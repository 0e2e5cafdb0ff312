/**
 * Admission of new client connections per source address: at most `maxPerAddress` open at once,
 * and new ones at no more than `ratePerSecond` on average with bursts of `burst`. Checked at
 * accept, before any TLS or XML work is spent on the connection.
 *
 * IPv6 sources count per /64: one host usually owns a whole /64, so per-address counting would
 * not limit it at all. IPv4-mapped IPv6 addresses count as the IPv4 address.
 *
 * References:
 * - RFC 6120 §13.12 (limit the number of connections and connection attempts per IP address)
 * - XEP-0205 §4.1 (connection limits), §4.2 (connection rate)
 */
import { isIPv6 } from "node:net";
import { TokenBucket } from "./token-bucket";

export interface AdmissionLimits {
  /** Open connections per source; 0 = no limit. */
  maxPerAddress: number;
  /** Average new connections per second per source; 0 = no limit. */
  ratePerSecond: number;
  /** New connections a source may open at once before the rate applies. */
  burst: number;
}

export type AdmissionVerdict = "ok" | "too-many-connections" | "too-fast";

/** Sources remembered for the rate limit at most; the stalest are forgotten first (DOS-11). */
const MAX_TRACKED = 100_000;

export class Admission {
  private readonly open = new Map<string, number>();
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly limits: AdmissionLimits,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The key a source address counts under. */
  static sourceKey(address: string | undefined): string {
    if (!address) return "?";
    const a = address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
    if (!isIPv6(a)) return a;
    // Expand "::" just enough to take the first four groups.
    const [head = "", tail] = a.split("::");
    const groups = head === "" ? [] : head.split(":");
    if (tail !== undefined) {
      const rest = tail === "" ? [] : tail.split(":");
      while (groups.length + rest.length < 8) groups.push("0");
      groups.push(...rest);
    }
    return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, "")).join(":")}::/64`;
  }

  /** Whether a new connection from `key` may proceed; when "ok", call release(key) once it closes. */
  admit(key: string): AdmissionVerdict {
    const { maxPerAddress, ratePerSecond, burst } = this.limits;
    const open = this.open.get(key) ?? 0;
    if (maxPerAddress > 0 && open >= maxPerAddress) return "too-many-connections";
    if (ratePerSecond > 0 && !this.takeToken(key, ratePerSecond, Math.max(1, burst))) return "too-fast";
    this.open.set(key, open + 1);
    return "ok";
  }

  release(key: string): void {
    const open = this.open.get(key) ?? 0;
    if (open <= 1) this.open.delete(key);
    else this.open.set(key, open - 1);
  }

  /** Open connections from `key` (tests, diagnostics). */
  openFrom(key: string): number {
    return this.open.get(key) ?? 0;
  }

  private takeToken(key: string, rate: number, burst: number): boolean {
    const t = this.now();
    let b = this.buckets.get(key);
    if (b === undefined) {
      if (this.buckets.size >= MAX_TRACKED) this.forgetStalest();
      b = new TokenBucket(rate, burst, t);
    } else {
      // Re-inserted below, so the map stays ordered from least to most recently seen.
      this.buckets.delete(key);
    }
    this.buckets.set(key, b);
    return b.tryTake(1, t);
  }

  private forgetStalest(): void {
    const drop = Math.max(1, Math.floor(MAX_TRACKED / 10));
    let n = 0;
    for (const key of this.buckets.keys()) {
      this.buckets.delete(key);
      if (++n >= drop) break;
    }
  }
}
