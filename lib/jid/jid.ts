/**
 * The JID value type and the functions that build one from text or from parts.
 *
 * A JID only ever holds prepared parts, so equality is string equality and `toString()` is the
 * canonical form. Parsing is on the hot path (every stanza carries 'to' and 'from'), so results are
 * kept in a bounded LRU cache keyed by the exact input; JIDs are immutable and safe to share.
 *
 * References:
 * - RFC 7622 §3.1 (splitting at the first '/', then the first '@'; separators are matched before
 *   any transformation), §3.2–§3.4 (the parts), §3.5 (examples)
 * - RFC 7622 terminology: a "bare JID" has no resourcepart, a "full JID" has one
 */

import { prepDomain } from "./domainpart";
import { JidError } from "./jid-error";
import { prepLocal } from "./localpart";
import { LruCache } from "./lru-cache";
import { prepResource } from "./resourcepart";
import { MAX_RAW_PART_UNITS } from "./utf8-length";

// Only this module can mint JIDs, so a JID's parts are always prepared.
const PREPARED: unique symbol = Symbol("prepared JID parts");

export class JID {
  readonly local: string;
  readonly domain: string;
  readonly resource: string;
  readonly #full: string;
  #bare: JID | undefined;

  /** Use parseJid() or makeJid(); the constructor takes parts that are already prepared. */
  constructor(token: typeof PREPARED, local: string, domain: string, resource: string) {
    if (token !== PREPARED) throw new TypeError("use parseJid() or makeJid() to create a JID");
    this.local = local;
    this.domain = domain;
    this.resource = resource;
    this.#full = (local ? local + "@" : "") + domain + (resource ? "/" + resource : "");
    Object.freeze(this);
  }

  /** The same address without its resourcepart (itself when already bare). */
  get bare(): JID {
    if (this.resource === "") return this;
    if (this.#bare === undefined) this.#bare = new JID(PREPARED, this.local, this.domain, "");
    return this.#bare;
  }

  get isBare(): boolean {
    return this.resource === "";
  }

  /** A server or component address: no localpart and no resourcepart. */
  get isDomain(): boolean {
    return this.local === "" && this.resource === "";
  }

  toString(): string {
    return this.#full;
  }

  toBareString(): string {
    return this.resource === "" ? this.#full : this.bare.#full;
  }

  toJSON(): string {
    return this.#full;
  }

  equals(other: JID | undefined | null): boolean {
    return other instanceof JID && other.#full === this.#full;
  }

  /** The same bare address with another resourcepart (prepared here; throws JidError). */
  withResource(resource: string): JID {
    return new JID(PREPARED, this.local, this.domain, prepResource(resource));
  }
}

const parsed = new LruCache<string, JID>(4096);
// Real addresses are short; caching only short inputs bounds the cache's memory (4096 entries of
// up to 3 KiB each would be a lot to let a peer fill with long, valid, never-reused addresses).
const MAX_CACHED_INPUT = 512;

function split(s: string): { local: string | undefined; domain: string; resource: string | undefined } {
  const slash = s.indexOf("/");
  const head = slash < 0 ? s : s.slice(0, slash);
  const resource = slash < 0 ? undefined : s.slice(slash + 1);
  const at = head.indexOf("@");
  const local = at < 0 ? undefined : head.slice(0, at);
  const domain = at < 0 ? head : head.slice(at + 1);
  if (local === "") throw new JidError("localpart", "is empty but '@' is present (RFC 7622 §3.3)");
  if (domain === "") throw new JidError("domainpart", "is empty (RFC 7622 §3.2)");
  if (resource === "") throw new JidError("resourcepart", "is empty but '/' is present (RFC 7622 §3.4)");
  return { local, domain, resource };
}

export function parseJid(s: string): JID {
  if (typeof s !== "string") throw new JidError("jid", "must be a string");
  const hit = parsed.get(s);
  if (hit !== undefined) return hit;
  if (s.length > 3 * MAX_RAW_PART_UNITS + 2) throw new JidError("jid", "is too long (RFC 7622 §3)");
  const { local, domain, resource } = split(s);
  const jid = new JID(
    PREPARED,
    local === undefined ? "" : prepLocal(local),
    prepDomain(domain),
    resource === undefined ? "" : prepResource(resource),
  );
  if (s.length <= MAX_CACHED_INPUT) {
    parsed.set(s, jid);
    // Servers mostly re-parse what they wrote themselves: the canonical form is the likeliest key.
    const canonical = jid.toString();
    if (canonical !== s && canonical.length <= MAX_CACHED_INPUT) parsed.set(canonical, jid);
  }
  return jid;
}

/** parseJid() that returns undefined instead of throwing (and for a missing attribute). */
export function tryParseJid(s: string | undefined): JID | undefined {
  if (s === undefined) return undefined;
  try {
    return parseJid(s);
  } catch (err) {
    if (err instanceof JidError) return undefined;
    throw err;
  }
}

/**
 * Builds a JID from separate parts, preparing each. An empty local or resource means "absent",
 * matching the JID properties, so makeJid(j.local, j.domain, j.resource) rebuilds j.
 */
export function makeJid(local: string, domain: string, resource?: string): JID {
  return new JID(
    PREPARED,
    local === "" ? "" : prepLocal(local),
    prepDomain(domain),
    resource === undefined || resource === "" ? "" : prepResource(resource),
  );
}
