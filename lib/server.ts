/**
 * The kernel object: configuration, hosts, storage, certificates, listeners, sessions and the
 * router. It knows no feature: every protocol feature is a module handed in by the caller.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Socket } from "node:net";
import type { TlsOptions } from "node:tls";
import { Accounts } from "./accounts";
import { checkUnknownOptions, resolveOptions, RawConfig } from "./config/load";
import { CORE_OPTIONS } from "./config/core-options";
import { ConfigError, type OptionsOf, type Schema } from "./config/options";
import { stanzaError, StreamError } from "./errors";
import type { Element } from "ltx";
import { EventBus } from "./events";
import { Host } from "./host";
import { tryParseJid } from "./jid";
import { Logger } from "./log";
import type { ModuleDefinition } from "./module-host/define";
import { ModuleHost } from "./module-host/loader";
import { Admission } from "./net/admission";
import { BoundListener, ListenerSpec, startListeners, stopListeners } from "./net/listeners";
import { Router } from "./router";
import { makeS2sInPolicy } from "./s2s/inbound-policy";
import { s2sListenerSpecs } from "./s2s/listeners";
import { SessionRegistry } from "./sessions";
import { MemoryDriver } from "./storage/memory";
import { SqliteDriver } from "./storage/sqlite";
import type { StorageDriver } from "./storage/types";
import { Session, LinkPolicy } from "./stream/session";
import { CertificateStore } from "./tls/certs";
import { tlsServerOptions } from "./tls/server-options";
import { NS } from "./xml/ns";
import { serialize } from "./xml/serialize";
import { streamErrorElement } from "./stanza";

export interface ServerOptions {
  /** Every module the server may load, by name. */
  registry: ReadonlyMap<string, ModuleDefinition<Schema>>;
  /** Modules loaded unless listed in modules_disabled. */
  defaultModules: readonly string[];
  log?: Logger;
  /** Overrides the configured storage driver (tests). */
  storage?: StorageDriver;
  /** PBKDF2 iterations for new credentials (tests lower it; default per lib/sasl). */
  scramIterations?: number;
}

export type CoreOptions = OptionsOf<typeof CORE_OPTIONS>;

export class Server {
  readonly events = new EventBus();
  readonly hosts = new Map<string, Host>();
  readonly options: CoreOptions;
  readonly log: Logger;
  readonly router: Router;
  readonly sessions: SessionRegistry;
  readonly storage: StorageDriver;
  readonly accounts: Accounts;
  readonly certs: CertificateStore;
  readonly modules: ModuleHost;
  /** A per-process secret (fake SCRAM salts for unknown users, and similar). */
  readonly secret = randomBytes(32);
  /** Every live stream, bound or not. */
  readonly streams = new Set<Session>();
  private listeners: BoundListener[] = [];
  private stopping = false;
  private readonly c2sAdmission: Admission;
  private readonly refusalLogged = new Map<string, number>();

  constructor(
    readonly config: RawConfig,
    private readonly serverOptions: ServerOptions,
  ) {
    this.options = resolveOptions(CORE_OPTIONS, config, null);
    this.log = serverOptions.log ?? new Logger(this.options.log_level);
    this.c2sAdmission = new Admission({
      maxPerAddress: this.options.c2s_max_connections_per_ip,
      ratePerSecond: this.options.c2s_connection_rate,
      burst: this.options.c2s_connection_burst,
    });
    for (const name of config.hosts.keys()) this.hosts.set(name, new Host(name, resolveOptions(CORE_OPTIONS, config, name)));
    for (const [name, block] of config.components) {
      if (this.hosts.has(name)) throw new ConfigError(`components.${name}: already defined under hosts`);
      const module = block.get("module");
      if (typeof module !== "string") throw new ConfigError(`components.${name}.module: expected the name of the module that serves this component (e.g. "muc")`);
      this.hosts.set(name, new Host(name, resolveOptions(CORE_OPTIONS, config, name), "component", module));
    }
    const known = new Set<string>(Object.keys(CORE_OPTIONS));
    for (const def of serverOptions.registry.values()) for (const key of Object.keys(def.options ?? {})) known.add(key);
    checkUnknownOptions(config, known);
    this.router = new Router({ hosts: this.hosts, globalEvents: this.events, log: this.log.child("router") });
    this.sessions = new SessionRegistry((host) => this.hosts.get(host)?.events);
    this.storage = serverOptions.storage ?? this.makeStorage();
    this.accounts = new Accounts(this.storage, (host) => this.hosts.get(host)?.events, serverOptions.scramIterations);
    this.certs = new CertificateStore(path.resolve(this.options.certificates), this.log.child("certs"));
    this.modules = new ModuleHost(this);
  }

  private makeStorage(): StorageDriver {
    if (this.options.storage === "memory") return new MemoryDriver();
    const dir = path.resolve(this.options.data_path);
    mkdirSync(dir, { recursive: true });
    return new SqliteDriver({ path: path.join(dir, "xmppd.sqlite") });
  }

  /** Modules for a host: defaults + modules_enabled − modules_disabled, validated against the registry. */
  moduleList(host: Host): ModuleDefinition<Schema>[] {
    if (host.kind === "component") {
      // The service module, the link modules every domain needs (s2s, dialback), and what the block adds.
      const links = this.serverOptions.defaultModules.filter((n) => this.serverOptions.registry.get(n)?.alsoOnComponents);
      const wanted = new Set([host.componentModule!, ...links, ...host.options.modules_enabled]);
      for (const n of host.options.modules_disabled) if (n !== host.componentModule) wanted.delete(n);
      const names = [...wanted];
      return names.map((n) => {
        const def = this.serverOptions.registry.get(n);
        if (!def) throw new ConfigError(`components.${host.name}.module: unknown module "${n}" (known: ${[...this.serverOptions.registry.keys()].join(", ")})`);
        return def;
      });
    }
    const names = new Set(this.serverOptions.defaultModules);
    for (const n of host.options.modules_enabled) names.add(n);
    for (const n of host.options.modules_disabled) names.delete(n);
    return [...names].map((n) => {
      const def = this.serverOptions.registry.get(n);
      if (!def) throw new ConfigError(`hosts.${host.name}.modules_enabled: unknown module "${n}" (known: ${[...this.serverOptions.registry.keys()].join(", ")})`);
      if (def.scope === "component") throw new ConfigError(`hosts.${host.name}.modules_enabled: "${n}" serves a component; declare it under components: instead`);
      return def;
    });
  }

  async start(): Promise<void> {
    await this.storage.open();
    await this.certs.load();
    for (const host of this.hosts.values()) await this.certs.ensure(host.name);
    const globalDone = new Set<string>();
    for (const host of this.hosts.values()) {
      for (const def of orderByRequires(this.moduleList(host))) {
        if (def.scope === "global") {
          if (globalDone.has(def.name)) continue;
          globalDone.add(def.name);
          await this.modules.load(def, undefined);
        } else {
          await this.modules.load(def, host);
        }
      }
    }
    this.listeners = await startListeners(this.listenerSpecs(), this.log.child("net"));
    await this.events.fire("server-started", { server: this });
  }

  private listenerSpecs(): ListenerSpec[] {
    const o = this.options;
    const defaultHost = this.hosts.keys().next().value as string;
    const c2s = (directTls: boolean) => (socket: Socket) => this.acceptClient(socket, directTls);
    const specs: ListenerSpec[] = [
      { name: "c2s", interfaces: o.interfaces, ports: o.c2s_ports, admit: (s) => this.admitClient(s, false), onConnection: c2s(false) },
      {
        name: "c2s direct TLS",
        interfaces: o.interfaces,
        ports: o.c2s_direct_tls_ports,
        tls: tlsServerOptions(this.certs, defaultHost, { alpn: ["xmpp-client"] }),
        admit: (s) => this.admitClient(s, true),
        onConnection: c2s(true),
      },
      ...s2sListenerSpecs(this, (socket, directTls) => this.acceptServer(socket, directTls)),
    ];
    return specs.filter((s) => s.ports.length > 0);
  }

  /** TLS options for STARTTLS on a host's streams (SNI still picks among hosts). */
  tlsOptionsFor(host: Host): TlsOptions {
    return tlsServerOptions(this.certs, host.name);
  }

  /** Where the listeners ended up (port 0 in the config picks a free port: tests read it here). */
  boundAddresses(): { name: string; address: string; port: number }[] {
    return this.listeners.map(({ name, address, port }) => ({ name, address, port }));
  }

  /**
   * RFC 6120 §13.12: per-address limits, before any TLS or XML work. A refused STARTTLS-port
   * connection gets a policy-violation stream error (cheap, and tells a real client why); a
   * direct TLS one is dropped, as nothing can be said to it before a handshake.
   */
  private admitClient(socket: Socket, directTls: boolean): boolean {
    const key = Admission.sourceKey(socket.remoteAddress);
    const verdict = this.c2sAdmission.admit(key);
    if (verdict === "ok") {
      socket.once("close", () => this.c2sAdmission.release(key));
      return true;
    }
    // A flood of refused connections must not become a flood of log lines: info once a minute per source.
    const now = Date.now();
    if ((this.refusalLogged.get(key) ?? -Infinity) < now - 60_000) {
      if (this.refusalLogged.size >= 10_000) this.refusalLogged.clear();
      this.refusalLogged.set(key, now);
      this.log.info("client connections refused (logged once a minute per address)", { address: socket.remoteAddress, reason: verdict });
    }
    if (directTls) {
      socket.destroy();
      return false;
    }
    const text = verdict === "too-many-connections" ? "Too many connections from your address" : "Too many new connections from your address; try again later";
    socket.on("error", () => undefined);
    socket.end(
      `<?xml version='1.0'?><stream:stream xmlns='${NS.CLIENT}' xmlns:stream='${NS.STREAM}' version='1.0'>` +
        serialize(streamErrorElement(new StreamError("policy-violation", text))) +
        `</stream:stream>`,
    );
    setTimeout(() => socket.destroy(), 2000).unref();
    return false;
  }

  private acceptClient(socket: Socket, directTls: boolean): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    const session = new Session(socket, this.c2sPolicy, this.log.child("c2s"), {
      idleTimeoutMs: this.options.c2s_timeout,
      negotiationTimeoutMs: this.options.c2s_negotiation_timeout,
      closeTimeoutMs: this.options.stream_close_timeout,
      directTls,
    });
    this.streams.add(session);
    session.log.debug("client connected", { session: session.id, address: session.remoteAddress, directTls });
  }

  private acceptServer(socket: Socket, directTls: boolean): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    const session = new Session(socket, this.s2sInPolicy, this.log.child("s2s-in"), {
      idleTimeoutMs: this.options.s2s_timeout,
      negotiationTimeoutMs: this.options.s2s_negotiation_timeout,
      closeTimeoutMs: this.options.stream_close_timeout,
      directTls,
    });
    this.streams.add(session);
    session.log.debug("server connected", { session: session.id, address: session.remoteAddress, directTls });
  }

  private readonly s2sInPolicy: LinkPolicy = makeS2sInPolicy(this);

  private readonly c2sPolicy: LinkPolicy = {
    kind: "c2s",
    contentNs: NS.CLIENT,
    resolveHost: (to) => {
      if (to === undefined || to === "") return new StreamError("improper-addressing", "A 'to' attribute is required on stream headers");
      const jid = tryParseJid(to);
      const host = jid && !jid.local && !jid.resource ? this.hosts.get(jid.domain) : undefined;
      // Clients log in to account hosts only, never to a component's domain.
      return host && host.kind === "local" ? host : new StreamError("host-unknown", "This server does not serve that domain");
    },
    isReady: (s) => s.jid !== undefined,
    route: (s, stanza) => this.routeSafely(s, stanza, () => this.router.processFromClient(s, stanza)),
    limits: (s) => {
      const o = s.host?.options ?? this.options;
      // XML-14: before authentication, small elements with few children only.
      return s.username !== undefined
        ? { maxStanzaBytes: o.c2s_stanza_size_limit, maxElements: 10_000 }
        : { maxStanzaBytes: o.c2s_preauth_stanza_size_limit, maxElements: 64 };
    },
    // RFC 6120 §13.12, XEP-0205 §4.7: a bound client that floods is slowed down, not served faster.
    readRate: (s) => {
      const o = s.host?.options ?? this.options;
      return o.c2s_read_rate > 0 ? { bytesPerSecond: o.c2s_read_rate, burstBytes: o.c2s_read_burst } : undefined;
    },
    onClosed: (s) => {
      this.streams.delete(s);
      if (s.jid) this.sessions.unbind(s);
      if (s.host) void s.host.events.fire("c2s-closed", { session: s });
    },
  };

  /**
   * A bug while routing one stanza answers that stanza with internal-server-error and is logged;
   * the session that sent it, and every other, goes on.
   */
  routeSafely(session: Session, stanza: Element, route: () => void | Promise<void>): void | Promise<void> {
    const fail = (err: unknown) => {
      if (err instanceof StreamError) return session.close(err);
      this.log.error("routing a stanza failed", { session: session.id, stanza: stanza.name, type: stanza.attrs.type, err: err as Error });
      this.router.replyError(session, stanza, stanzaError("internal-server-error"));
    };
    try {
      const r = route();
      return r instanceof Promise ? r.catch(fail) : r;
    } catch (err) {
      fail(err);
    }
  }

  /** Graceful shutdown: system-shutdown to every stream, listeners closed, modules unloaded, storage closed. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.events.fire("server-stopping", { server: this });
    const closing = stopListeners(this.listeners);
    const streams = [...this.streams];
    for (const s of streams) s.close(new StreamError("system-shutdown", "The server is shutting down"));
    // Give peers a moment to read the error, then drop what is left.
    await new Promise((r) => setTimeout(r, streams.length ? 100 : 0));
    for (const s of streams) s.destroy();
    await closing;
    await this.modules.unloadAll();
    await this.storage.close();
  }
}

/** Orders modules so that each comes after the ones it requires (stable otherwise). */
function orderByRequires(defs: ModuleDefinition<Schema>[]): ModuleDefinition<Schema>[] {
  const byName = new Map(defs.map((d) => [d.name, d]));
  const out: ModuleDefinition<Schema>[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (d: ModuleDefinition<Schema>) => {
    const s = state.get(d.name);
    if (s === "done") return;
    if (s === "visiting") throw new Error(`module dependency cycle through ${d.name}`);
    state.set(d.name, "visiting");
    for (const r of d.requires ?? []) {
      const dep = byName.get(r);
      if (!dep) throw new Error(`module ${d.name} requires ${r}, which is not enabled`);
      visit(dep);
    }
    state.set(d.name, "done");
    out.push(d);
  };
  defs.forEach(visit);
  return out;
}
