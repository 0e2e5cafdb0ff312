/**
 * Where to connect for a remote domain: the `_xmpps-server._tcp` (Direct TLS) and
 * `_xmpp-server._tcp` (STARTTLS) SRV records ordered together by priority and weight, else the
 * domain itself on port 5269.
 *
 * References:
 * - RFC 6120 §3.2.1 (SRV lookup), §3.2.2 (fallback to the domain's addresses on 5269)
 * - RFC 2782 (ordering; a lone "." target means "no service here")
 * - XEP-0368 §3 (xmpps- records: Direct TLS; a "." there only means "no Direct TLS", and then no
 *   A/AAAA fallback either, since the domain does publish SRV records)
 */
import { DnsResolver, orderSrv, SrvRecord } from "../dns";

export interface Target {
  host: string;
  port: number;
  directTls: boolean;
}

export class NoServiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NoServiceError";
  }
}

const DEFAULT_PORT = 5269;

function isDot(r: SrvRecord): boolean {
  return r.name === "" || r.name === ".";
}

export async function resolveTargets(resolver: DnsResolver, domain: string, random?: () => number): Promise<Target[]> {
  // RFC 6761 §6.4: "invalid" names never resolve; answer at once instead of asking the network.
  if (domain === "invalid" || domain.endsWith(".invalid")) throw new NoServiceError(`${domain} is a reserved, never-resolving name`);
  const [tls, plain] = await Promise.all([resolver.srv(`_xmpps-server._tcp.${domain}`), resolver.srv(`_xmpp-server._tcp.${domain}`)]);
  if (plain.length === 1 && isDot(plain[0]) && !tls.some((r) => !isDot(r))) {
    throw new NoServiceError(`${domain} publishes that it offers no XMPP server-to-server service (SRV target ".")`);
  }
  const records = [
    ...tls.filter((r) => !isDot(r)).map((r) => ({ ...r, directTls: true })),
    ...plain.filter((r) => !isDot(r)).map((r) => ({ ...r, directTls: false })),
  ];
  if (records.length > 0) return orderSrv(records, random).map((r) => ({ host: r.name.replace(/\.$/, ""), port: r.port, directTls: r.directTls }));
  if (tls.length > 0) throw new NoServiceError(`${domain} has no usable SRV target`);
  return [{ host: domain, port: DEFAULT_PORT, directTls: false }];
}
