/**
 * Options the kernel itself reads. Prosody's names where the meaning matches.
 * Module options are declared by each module (modules/<name>/index.ts).
 */
import { opt, Schema } from "./options";

export const CORE_OPTIONS = {
  interfaces: opt.stringList(["*"], "Addresses to listen on (\"*\" = all IPv4 and IPv6).", "global"),
  c2s_ports: opt.ports([5222], "Client ports (STARTTLS)."),
  c2s_direct_tls_ports: opt.ports([5223], "Client ports with direct TLS (XEP-0368, ALPN xmpp-client)."),
  s2s_ports: opt.ports([5269], "Server-to-server ports (STARTTLS)."),
  s2s_direct_tls_ports: opt.ports([], "Server-to-server ports with direct TLS (XEP-0368, ALPN xmpp-server)."),
  data_path: opt.string("./data", "Directory for the SQLite database and other state.", "global"),
  certificates: opt.string("certs", "Directory searched for certificates (and where self-signed ones are generated).", "global"),
  storage: opt.enum(["sqlite", "memory"] as const, "sqlite", "Storage driver: sqlite (one database file in data_path) or memory (lost at exit, for tests).", "global"),
  log_level: opt.enum(["debug", "info", "warn", "error"] as const, "info", "Least severe level written to the log.", "global"),
  modules_enabled: opt.stringList([], "Modules to load in addition to the default set."),
  modules_disabled: opt.stringList([], "Modules of the default set not to load."),
  c2s_require_encryption: opt.boolean(true, "Require TLS on client connections before authentication."),
  c2s_timeout: opt.duration("5m", "Close client connections idle for this long (whitespace keepalives count as activity)."),
  c2s_negotiation_timeout: opt.duration("60s", "Close client connections that have not authenticated and bound within this time."),
  c2s_stanza_size_limit: opt.integer(262144, "Largest stanza (bytes) accepted from an authenticated client.", { min: 10000 }),
  c2s_preauth_stanza_size_limit: opt.integer(16384, "Largest element (bytes) accepted before authentication.", { min: 1024 }),
  s2s_secure_auth: opt.boolean(true, "Require valid certificates on server-to-server links."),
  s2s_insecure_domains: opt.stringList([], "Domains exempt from s2s_secure_auth (dialback accepted)."),
  allow_registration: opt.boolean(false, "Allow in-band registration of new accounts (XEP-0077)."),
  max_auth_failures: opt.integer(3, "SASL failures allowed on one connection before it is closed.", { min: 1, max: 100 }),
  stream_close_timeout: opt.duration("5s", "How long to wait for the peer's </stream:stream> after ours.", "global"),
} satisfies Schema;
