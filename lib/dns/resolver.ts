/**
 * DNS resolvers: the system's (resolv.conf for SRV, getaddrinfo for addresses, so /etc/hosts
 * applies as admins expect), or a fixed list of name servers (the `dns_servers` option), which
 * is also how tests point the server at a local DNS server on a loopback port.
 *
 * References:
 * - RFC 2782 (SRV), RFC 6120 §3.2 (XMPP's use of SRV and the A/AAAA fallback)
 */
import { lookup, Resolver } from "node:dns/promises";
import { isIP } from "node:net";
import { DnsError, DnsResolver, SrvRecord } from "./types";

/** Answers that mean "nothing there" rather than "could not ask". */
const EMPTY = new Set(["ENODATA", "ENOTFOUND", "NOTFOUND", "ENONAME"]);

async function orEmpty<T>(p: Promise<T[]>): Promise<T[]> {
  try {
    return await p;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== undefined && EMPTY.has(code)) return [];
    throw new DnsError((err as Error).message, code);
  }
}

export interface ResolverOptions {
  /** Per-query timeout in ms (c-ares retries once more after it). */
  timeoutMs?: number;
}

export function systemResolver(opts: ResolverOptions = {}): DnsResolver {
  const r = new Resolver({ timeout: opts.timeoutMs ?? 5000, tries: 2 });
  return {
    srv: (name) => orEmpty<SrvRecord>(r.resolveSrv(name)),
    addresses: async (host) => {
      if (isIP(host)) return [host];
      const found = await orEmpty(lookup(host, { all: true, verbatim: true }));
      return found.map((a) => a.address);
    },
  };
}

/** Asks only the given servers ("192.0.2.1", "127.0.0.1:5353", "[::1]:53"); never /etc/hosts. */
export function serverListResolver(servers: readonly string[], opts: ResolverOptions = {}): DnsResolver {
  const r = new Resolver({ timeout: opts.timeoutMs ?? 5000, tries: 2 });
  r.setServers([...servers]);
  return {
    srv: (name) => orEmpty<SrvRecord>(r.resolveSrv(name)),
    addresses: async (host) => {
      if (isIP(host)) return [host];
      const [v6, v4] = await Promise.all([orEmpty(r.resolve6(host)), orEmpty(r.resolve4(host))]);
      // IPv4 first: loopback and most deployments still reach servers over it more reliably.
      return [...v4, ...v6];
    },
  };
}

export function makeResolver(servers: readonly string[], opts: ResolverOptions = {}): DnsResolver {
  return servers.length > 0 ? serverListResolver(servers, opts) : systemResolver(opts);
}
