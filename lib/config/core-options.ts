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
  s2s_require_encryption: opt.boolean(true, "Require TLS on server-to-server links (both directions)."),
  s2s_ca_files: opt.stringList([], "PEM files of extra certificate authorities trusted for server-to-server certificates, besides the system store.", "global"),
  s2s_timeout: opt.duration("10m", "Close server-to-server links idle for this long.", "global"),
  s2s_connect_timeout: opt.duration("10s", "Give up on one address of a remote server after this long (the next one is tried).", "global"),
  s2s_negotiation_timeout: opt.duration("90s", "Give up on a server-to-server link (and bounce what waits for it) that is not authenticated within this time.", "global"),
  s2s_send_queue_size: opt.integer(1000, "Stanzas that may wait for one outgoing server-to-server link; more are bounced.", { min: 1 }, "global"),
  s2s_stanza_size_limit: opt.integer(524288, "Largest stanza (bytes) accepted from an authenticated server.", { min: 10000 }),
  s2s_preauth_stanza_size_limit: opt.integer(16384, "Largest element (bytes) accepted from a server before it is authenticated.", { min: 1024 }),
  dns_servers: opt.stringList([], 'Name servers to ask instead of the system resolver ("192.0.2.1", "127.0.0.1:5353", "[::1]:53").', "global"),
  dialback_secret: opt.optionalString("Secret for dialback keys (XEP-0185); random per process when unset. Set it when several processes serve one domain.", "global"),
  allow_registration: opt.boolean(false, "Allow in-band registration of new accounts (XEP-0077)."),
  c2s_max_connections_per_ip: opt.integer(0, "Client connections one IPv4 address (or IPv6 /64) may have open at once; 0 = no limit. Checked before TLS.", { min: 0 }, "global"),
  c2s_connection_rate: opt.integer(10, "New client connections per second one IPv4 address (or IPv6 /64) may open on average; 0 = no limit. Checked before TLS.", { min: 0 }, "global"),
  c2s_connection_burst: opt.integer(50, "New client connections one address may open at once before c2s_connection_rate applies.", { min: 1 }, "global"),
  c2s_read_rate: opt.integer(65536, "Bytes per second an authenticated client may send on average; reading pauses beyond it (TCP pushes back). 0 = no limit.", { min: 0 }),
  c2s_read_burst: opt.integer(524288, "Bytes an authenticated client may send at once before c2s_read_rate applies.", { min: 1024 }),
  max_auth_failures: opt.integer(3, "SASL failures allowed on one connection before it is closed.", { min: 1, max: 100 }),
  stream_close_timeout: opt.duration("5s", "How long to wait for the peer's </stream:stream> after ours.", "global"),
} satisfies Schema;
