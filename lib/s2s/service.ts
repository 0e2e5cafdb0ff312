/**
 * Everything server-to-server that is shared by all hosts of one server: trust anchors, the DNS
 * resolver, the dialback secret, TLS options and the outgoing-connection manager. Created by the
 * s2s module on load; the kernel asks for it when it builds the s2s listeners and policy.
 *
 * References:
 * - RFC 6120 §13.7.2.1 (trust anchors: the system store plus configured CAs)
 * - XEP-0185 §3 (one secret for every key this server issues)
 */
import { createHash } from "node:crypto";
import type { ConnectionOptions, TlsOptions } from "node:tls";
import { makeResolver, type DnsResolver } from "../dns";
import type { Host } from "../host";
import type { Server } from "../server";
import type { Session } from "../stream/session";
import { tlsClientOptions } from "../tls/client-options";
import { tlsServerOptions } from "../tls/server-options";
import { readCaFiles, type TrustOptions } from "../tls/trust";
import { ownCertificateUsable, secureAuthRequired } from "./auth-policy";
import { dialbackSecret } from "./dialback-key";
import { InboundState } from "./inbound";
import { S2sManager } from "./manager";

const services = new WeakMap<Server, S2sService>();

/** The server's s2s service, created on first use. */
export function s2sService(server: Server): S2sService {
  let s = services.get(server);
  if (!s) services.set(server, (s = new S2sService(server)));
  return s;
}

/** The service only if the s2s module has loaded it (no s2s listeners otherwise). */
export function loadedS2sService(server: Server): S2sService | undefined {
  const s = services.get(server);
  return s?.loaded ? s : undefined;
}

export class S2sService {
  trust: TrustOptions = { ca: [], useSystemStore: true };
  resolver: DnsResolver;
  readonly manager: S2sManager;
  /** Hex HMAC key for dialback: one per server, so every host module checks every host's keys. */
  readonly dialbackSecret: string;
  loaded = false;
  private loading: Promise<void> | undefined;
  private readonly inbound = new WeakMap<Session, InboundState>();
  private readonly serverTls = new Map<string, TlsOptions>();

  constructor(readonly server: Server) {
    const o = server.options;
    this.resolver = makeResolver(o.dns_servers, { timeoutMs: Math.min(o.s2s_connect_timeout, 5000) });
    const configured = o.dialback_secret;
    this.dialbackSecret = dialbackSecret(configured ?? createHash("sha256").update(server.secret).update("dialback").digest());
    this.manager = new S2sManager(this);
  }

  /** Reads the configured CA files once; a missing or empty file stops start-up. */
  ready(): Promise<void> {
    this.loading ??= (async () => {
      const ca = await readCaFiles(this.server.options.s2s_ca_files);
      this.trust = { ca, useSystemStore: true };
      this.loaded = true;
    })();
    return this.loading;
  }

  inboundState(session: Session): InboundState {
    let st = this.inbound.get(session);
    if (!st) {
      const state = new InboundState(session, this.trust, (local, remote) => {
        if (state.bidi) this.manager.adoptIncoming(local, remote, session);
      });
      this.inbound.set(session, (st = state));
    }
    return st;
  }

  /** STARTTLS on an incoming s2s stream: our certificate, and a request for the peer's. */
  serverTlsOptions(host: Host): TlsOptions {
    let o = this.serverTls.get(host.name);
    if (!o) this.serverTls.set(host.name, (o = tlsServerOptions(this.server.certs, host.name, { requestCert: true, trust: this.trust })));
    return o;
  }

  clientTlsOptions(local: string, remote: string, directTls: boolean): ConnectionOptions {
    return tlsClientOptions(this.server.certs, local, remote, this.trust, directTls ? { alpn: ["xmpp-server"] } : {});
  }

  secureAuthRequired(host: Host, remote: string): boolean {
    return secureAuthRequired(host, remote);
  }

  ownCertificateUsable(local: string): boolean {
    return ownCertificateUsable(this.server.certs, local);
  }

  /** Is this module loaded on that host? (s2s and dialback can be disabled per host.) */
  moduleOn(module: string, host: string): boolean {
    return this.server.modules.isLoaded(module, host);
  }
}
