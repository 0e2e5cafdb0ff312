/** What the rest of the server needs from DNS, so tests can answer it themselves. */

export interface SrvRecord {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

export interface DnsResolver {
  /** SRV records of a name; [] when the name or the record type does not exist. */
  srv(name: string): Promise<SrvRecord[]>;
  /** IPv4 and IPv6 addresses of a host; [] when it has none. */
  addresses(host: string): Promise<string[]>;
}

/** A lookup that failed for a reason other than "no such name/record" (timeout, SERVFAIL, refused). */
export class DnsError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = "DnsError";
  }
}
