/** lib/dns: injectable resolvers and SRV ordering. */
export { DnsError, type DnsResolver, type SrvRecord } from "./types";
export { makeResolver, serverListResolver, systemResolver, type ResolverOptions } from "./resolver";
export { orderSrv, type Weighted } from "./srv-order";
