/**
 * The one stream engine: an XMPP stream over a socket, serving client and server links alike.
 * Link-specific behaviour (which namespace, which hosts, when the link is ready) comes from a
 * LinkPolicy; everything else (header checks, features, restarts, STARTTLS, closing, the
 * per-session serial queue) lives here.
 *
 * The initiating side (s2s-out) sends the first header, reads the peer's response header and
 * <stream:features/> (dispatched to modules like any other element), upgrades with client-side
 * STARTTLS and sends a fresh header on every restart.
 *
 * Modules that manage stanza delivery (XEP-0198, XEP-0352) get three generic handles: outbound
 * filters that see every stanza before it is written, observers told once an inbound stanza has
 * been fully processed, and a keeper that may hold a bound session without a connection
 * ("detached") until another connection takes it over (adoptTransport) or it is closed.
 *
 * References:
 * - RFC 6120 §4 (streams), §4.3.2 (restarts), §4.4 (closing), §4.7 (header attributes), §4.9 (stream errors)
 * - RFC 6120 §5.4.3.3 (STARTTLS: no data after <starttls/> is processed), §6.4.6 (restart after SASL)
 * - XEP-0198 §5 (resumption: a session outlives its connection), §7 (only </stream:stream> closes it cleanly)
 */
import { randomBytes } from "node:crypto";
import type { Socket } from "node:net";
import { connect as tlsConnect, ConnectionOptions, TLSSocket, TlsOptions } from "node:tls";
import { Element as ElementCtor, type Element } from "ltx";
import { StreamError } from "../errors";
import type { Host } from "../host";
import type { JID } from "../jid";
import type { Logger } from "../log";
import { el, streamErrorElement } from "../stanza";
import { NS } from "../xml/ns";
import { ParseError, ParserLimits, StreamHeader, XmlStreamParser, type XmlStreamHandler } from "../xml/parser";
import { serialize, streamHeader } from "../xml/serialize";
import { channelBindingData } from "../tls/channel-binding";
import { hardenTlsSocket } from "../tls/server-options";
import { TokenBucket } from "../net/token-bucket";
import { elementEventName, ElementEvent, LinkKind } from "./types";

/** What differs between link kinds. */
export interface LinkPolicy {
  readonly kind: LinkKind;
  /** Default namespace of stanzas on this link (jabber:client, jabber:server...). */
  readonly contentNs: string;
  /** Finds the local host a stream header addresses, or explains why not (responding side only). */
  resolveHost(to: string | undefined, session: Session, header: StreamHeader): Host | StreamError;
  /** Extra prefixes declared on our stream headers (s2s: db → jabber:server:dialback). */
  readonly streamPrefixes?: Readonly<Record<string, string>>;
  /** Stanzas are routed only once the link is ready (c2s: resource bound). */
  isReady(session: Session): boolean;
  /** Hands a stanza from a ready link to the router. */
  route(session: Session, stanza: Element): void | Promise<void>;
  /** Parser limits before and after authentication. */
  limits(session: Session): Partial<ParserLimits>;
  /** How fast a ready link may send to us (reads pause beyond it); undefined = no limit. */
  readRate?(session: Session): ReadRate | undefined;
  /** Called once the socket is gone. */
  onClosed(session: Session): void;
}

export interface ReadRate {
  bytesPerSecond: number;
  /** Bytes that may arrive at once before the rate applies. */
  burstBytes: number;
}

/** Bytes read against a token bucket; while in debt, reading is paused (XEP-0205 §4.7 bandwidth limits, reliability DOS-04). */
interface ReadShaper {
  bucket: TokenBucket;
  timer: NodeJS.Timeout | undefined;
}

export interface SessionOptions {
  idleTimeoutMs: number;
  negotiationTimeoutMs: number;
  closeTimeoutMs: number;
  directTls: boolean;
  /** Set on the initiating side: we speak first, from our host to the peer's domain. */
  initiate?: { host: Host; to: string };
}

/**
 * Sees an outbound stanza before it is written: returns the element to write (the same or another),
 * or undefined when it took the stanza over (held it, queued it).
 */
export type OutboundFilter = (stanza: Element, session: Session) => Element | undefined;

export interface SendOptions {
  /** Continue the filter chain after this filter: a filter releasing stanzas it held back. */
  after?: OutboundFilter;
}

/** Decides whether a bound session whose connection is gone stays registered without one. */
export type SessionKeeper = (session: Session) => boolean;

type Item =
  | { t: "header"; header: StreamHeader }
  | { t: "element"; element: Element }
  | { t: "end" }
  | { t: "error"; error: ParseError };

/** Module-level: a closure made in attach() would keep all of attach()'s closures alive. */
function ignoreSocketError(): void {}

/** In its own scope so that the listener keeps nothing else alive for the life of the connection. */
function destroyWith(raw: Socket, tlsSocket: TLSSocket): void {
  raw.on("close", () => tlsSocket.destroy());
}

/**
 * Where the parser's events go: the owning session's queue. A class rather than four closures
 * (one object per connection, methods shared); it moves with the parser when another session
 * adopts the connection (XEP-0198 resumption).
 */
class ParserSink implements XmlStreamHandler {
  constructor(public items: Item[]) {}
  streamStart(header: StreamHeader): void {
    this.items.push({ t: "header", header });
  }
  element(element: Element): void {
    this.items.push({ t: "element", element });
  }
  streamEnd(): void {
    this.items.push({ t: "end" });
  }
  error(error: ParseError): void {
    this.items.push({ t: "error", error });
  }
}

/** "detached": bound, but its connection is gone and a keeper holds it (XEP-0198 hibernation). */
export type SessionState = "awaiting-header" | "open" | "closing" | "closed" | "detached";

const STANZA_NAMES = new Set(["message", "presence", "iq"]);
const MAX_BUFFERED_OUTPUT = 4 * 1024 * 1024;

/**
 * Output is written once per event-loop iteration, from a check-phase immediate shared by all
 * sessions. Why not process.nextTick: Node's TLS layer keeps what it last wrote (session tickets
 * right after the handshake, a previous write) in its output buffer until one of its own native
 * immediates runs, and those run before JavaScript immediates. Writing after them means each write
 * starts on an empty buffer; otherwise a write of a few hundred bytes on top of the TLS 1.3
 * tickets makes Node grow that buffer from 1 KiB to 17 KiB, for the life of the connection
 * (measured: +17.6 KiB RSS per idle connection; docs/memory.md).
 */
let flushQueue: Session[] = [];
function runFlushQueue(): void {
  const queue = flushQueue;
  flushQueue = [];
  for (const s of queue) {
    try {
      s.flush();
    } catch (err) {
      // One broken socket must not keep the other sessions' output from being written.
      s.log.error("flush failed", { session: s.id, err });
    }
  }
}
function scheduleFlush(s: Session): void {
  if (flushQueue.push(s) === 1) setImmediate(runFlushQueue);
}

export class Session {
  readonly id = randomBytes(9).toString("base64url");
  readonly data = new Map<string, unknown>();
  remoteAddress: string;
  state: SessionState = "awaiting-header";
  host: Host | undefined;
  streamId = "";
  secure: boolean;
  /** The authenticated account's localpart (c2s) once SASL succeeded. */
  username: string | undefined;
  /** The full JID once a resource is bound (c2s). */
  jid: JID | undefined;
  /** Per-session stanza counters, handy for diagnostics. */
  stanzasIn = 0;
  stanzasOut = 0;
  /** True when we opened the connection and send the first header (s2s-out). */
  readonly initiating: boolean;
  /** The peer's domain when initiating (the 'to' of our header). */
  readonly peerDomain: string | undefined;
  /** The peer's latest stream header. */
  peerHeader: StreamHeader | undefined;
  /** Why the stream ended, once known (a stream error either way, a socket error): for logs and bounces. */
  closeReason: string | undefined;
  /** The condition of the stream error the peer closed with, if it did. */
  peerErrorCondition: string | undefined;

  /** Set by a module that can keep this session without a connection; see loseTransport(). */
  keeper: SessionKeeper | undefined;

  private socket: Socket;
  private parser: XmlStreamParser;
  /** Where the parser's events go: moves with the parser when another session adopts the connection. */
  private sink: ParserSink;
  private readonly items: Item[] = [];
  private readonly outFilters: { filter: OutboundFilter; priority: number }[] = [];
  private readonly handledObservers: ((stanza: Element) => void)[] = [];
  private detachListeners: (() => void) | undefined;
  private busy = false;
  /** The handler the queue waits on, while busy. */
  private inFlight: Promise<void> | undefined;
  private headerSent = false;
  private out: string[] = [];
  private flushScheduled = false;
  private closeTimer: NodeJS.Timeout | undefined;
  private negotiationTimer: NodeJS.Timeout | undefined;

  constructor(
    socket: Socket,
    readonly policy: LinkPolicy,
    readonly log: Logger,
    private readonly opts: SessionOptions,
  ) {
    this.socket = socket;
    this.secure = opts.directTls;
    this.initiating = opts.initiate !== undefined;
    this.peerDomain = opts.initiate?.to;
    if (opts.initiate) this.host = opts.initiate.host;
    this.remoteAddress = socket.remoteAddress ?? "?";
    this.sink = new ParserSink(this.items);
    this.parser = new XmlStreamParser(this.sink, policy.limits(this));
    this.attach(socket);
    socket.setNoDelay(true);
    socket.setTimeout(opts.idleTimeoutMs);
    this.negotiationTimer = setTimeout(() => {
      if (!this.policy.isReady(this)) this.close(new StreamError("connection-timeout", "Negotiation took too long"));
    }, opts.negotiationTimeoutMs);
    this.negotiationTimer.unref();
    if (this.initiating) this.sendHeader();
  }

  get kind(): LinkKind {
    return this.policy.kind;
  }

  get ready(): boolean {
    return this.policy.isReady(this);
  }

  get tlsSocket(): TLSSocket | undefined {
    return this.socket instanceof TLSSocket ? this.socket : undefined;
  }

  get closed(): boolean {
    return this.state === "closing" || this.state === "closed";
  }

  /** Bound and still routable, but without a connection (XEP-0198 hibernation). */
  get detached(): boolean {
    return this.state === "detached";
  }

  /** Channel-binding data of this connection's TLS layer, for SASL -PLUS. */
  channelBinding(type: string): Buffer | undefined {
    const t = this.tlsSocket;
    if (!t) return undefined;
    // Fixed for the life of a TLS connection, and asked for several times per login.
    let cache = this.cbCache;
    if (!cache || cache.socket !== t) this.cbCache = cache = { socket: t, values: new Map() };
    if (!cache.values.has(type)) cache.values.set(type, channelBindingData(t, type, "server"));
    return cache.values.get(type);
  }
  private cbCache: { socket: TLSSocket; values: Map<string, Buffer | undefined> } | undefined;

  private attach(socket: Socket): void {
    const onData = (chunk: Buffer) => this.onData(chunk);
    const onEnd = () => this.onPeerEnd();
    const onTimeout = () => this.onIdle();
    const onError = (err: Error) => {
      this.closeReason ??= err.message;
      this.log.debug("socket error", { session: this.id, err: err.message });
    };
    const onClose = () => this.onSocketClosed(socket);
    socket.on("data", onData);
    socket.on("end", onEnd);
    socket.on("timeout", onTimeout);
    socket.on("error", onError);
    socket.on("close", onClose);
    this.detachListeners = () => {
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("timeout", onTimeout);
      socket.off("close", onClose);
      // A socket nobody listens to for errors would crash the process on its next one.
      socket.off("error", onError);
      socket.on("error", ignoreSocketError);
    };
  }

  private onData(chunk: Buffer): void {
    if (this.state === "closed") return;
    this.parser.write(chunk);
    this.drain();
    if (this.shaper) this.shape(chunk.length);
  }

  private shaper: ReadShaper | undefined;

  /**
   * Bytes beyond the rate are not refused, only slowed down: reading pauses until the bucket is
   * out of debt, so TCP pushes back on the sender and other sessions keep their share of the
   * process (a flood costs the flooder latency, not the server CPU).
   */
  private shape(bytes: number): void {
    const s = this.shaper!;
    const waitMs = s.bucket.take(bytes, performance.now());
    if (waitMs === 0 || s.timer !== undefined) return;
    this.socket.pause();
    s.timer = setTimeout(() => {
      s.timer = undefined;
      if (!this.busy && this.state !== "closed" && this.state !== "detached") this.socket.resume();
    }, Math.ceil(waitMs));
    s.timer.unref();
  }

  /** Reading is paused by the shaper. */
  get throttled(): boolean {
    return this.shaper?.timer !== undefined;
  }

  /** Processes queued parser events in order; an async handler pauses reading until it settles. */
  private drain(): void {
    while (!this.busy && this.items.length > 0 && this.state !== "closed") {
      const item = this.items.shift()!;
      let result: void | Promise<void>;
      try {
        result = this.processItem(item);
      } catch (err) {
        this.onHandlerError(err);
        continue;
      }
      if (result instanceof Promise) {
        this.busy = true;
        this.inFlight = result;
        this.socket.pause();
        result
          .catch((err: unknown) => this.onHandlerError(err))
          .finally(() => {
            this.busy = false;
            this.inFlight = undefined;
            if (this.state !== "closed" && !this.throttled) this.socket.resume();
            this.drain();
          });
      }
    }
  }

  private onHandlerError(err: unknown): void {
    if (err instanceof StreamError) {
      this.close(err);
      return;
    }
    // A bug in one session's handler closes (at most) that session, never the process.
    this.log.error("handler failed", { session: this.id, err: err as Error });
    this.close(new StreamError("internal-server-error"));
  }

  private processItem(item: Item): void | Promise<void> {
    if (this.state === "closing" && item.t !== "end" && item.t !== "error") return;
    switch (item.t) {
      case "header":
        return this.onHeader(item.header);
      case "element":
        return this.onElement(item.element);
      case "end":
        return this.onStreamEnd();
      case "error":
        return this.close(new StreamError(item.error.condition, item.error.text, item.error.app));
    }
  }

  private onHeader(header: StreamHeader): void {
    if (this.state !== "awaiting-header") {
      this.close(new StreamError("not-well-formed", "Unexpected stream header"));
      return;
    }
    this.peerHeader = header;
    if (this.initiating) return this.onResponseHeader(header);
    const previousHost = this.host;
    const resolved = this.policy.resolveHost(header.attrs.to, this, header);
    if (!(resolved instanceof StreamError)) this.host = resolved;
    this.streamId = randomBytes(12).toString("base64url");
    this.sendHeader(header);
    const problem = this.headerProblem(header);
    if (problem) return this.close(problem);
    if (resolved instanceof StreamError) return this.close(resolved);
    if (previousHost && previousHost !== resolved) {
      // RFC 6120 §4.3.2: a restarted stream addresses the same host (CVE-2018-10847 class).
      return this.close(new StreamError("not-authorized", "A restarted stream must address the same host"));
    }
    this.state = "open";
    this.sendFeatures();
  }

  /** The initiating side: the peer answered our header; its features come next as an element. */
  private onResponseHeader(header: StreamHeader): void {
    const problem = this.headerProblem(header);
    if (problem) return this.close(problem);
    // RFC 6120 §4.7.3: the responding entity's header carries the stream id (dialback keys use it).
    this.streamId = header.attrs.id ?? "";
    this.state = "open";
  }

  private headerProblem(header: StreamHeader): StreamError | undefined {
    if (header.ns !== NS.STREAM || header.name !== "stream") {
      return new StreamError("invalid-namespace", "The stream element must be <stream:stream> in http://etherx.jabber.org/streams");
    }
    if (header.defaultNs !== this.policy.contentNs) {
      return new StreamError("invalid-namespace", `The default namespace must be ${this.policy.contentNs}`);
    }
    const version = /^(\d+)\.(\d+)$/.exec(header.attrs.version ?? "");
    if (!version || Number(version[1]) < 1) return new StreamError("unsupported-version", "XMPP 1.0 streams only");
    return undefined;
  }

  private sendHeader(header?: StreamHeader): void {
    if (this.headerSent) return;
    this.headerSent = true;
    const opts = { xmlDecl: true, defaultNs: this.policy.contentNs, prefixes: { stream: NS.STREAM, ...this.policy.streamPrefixes } };
    if (this.initiating) {
      this.writeRaw(streamHeader({ from: this.host?.name, to: this.peerDomain, version: "1.0", "xml:lang": "en" }, opts));
      return;
    }
    const from = this.host?.name ?? header?.attrs.to;
    this.writeRaw(
      streamHeader({ from, to: header?.attrs.from, id: this.streamId || randomBytes(12).toString("base64url"), version: "1.0", "xml:lang": "en" }, opts),
    );
  }

  private sendFeatures(): void {
    const features = el("stream:features");
    if (this.host) {
      for (const build of this.host.featureOffers(this.kind)) {
        const f = build(this);
        if (f) {
          features.children.push(f);
          f.parent = features;
        }
      }
    }
    this.send(features);
  }

  private onElement(element: Element): void | Promise<void> {
    if (this.state !== "open") return;
    this.stanzasIn++;
    const ns = element.attrs.xmlns as string;
    if (ns === NS.STREAM) {
      if (element.name === "error") {
        const summary = streamErrorSummary(element);
        this.peerErrorCondition = summary.condition;
        this.closeReason ??= `peer sent a stream error: ${summary.text ? `${summary.condition} (${summary.text})` : summary.condition}`;
        this.log.info("peer sent a stream error", { session: this.id, error: serialize(element) });
        return this.close();
      }
      if (element.name === "features" && this.initiating) return this.dispatch(element, ns, () => this.close(new StreamError("unsupported-feature", "No usable stream feature was offered")));
      return this.close(new StreamError("unsupported-stanza-type", `Unexpected <${element.name}/> in the stream namespace`));
    }
    const result = this.dispatch(element, ns, () => this.afterElementHooks(element, ns));
    if (this.handledObservers.length === 0 || !this.isStanza(element, ns)) return result;
    // Observers hear of a stanza only once everything it caused (routing, storage, a reply) is done.
    if (result instanceof Promise) return result.then(() => this.stanzaHandled(element));
    this.stanzaHandled(element);
  }

  private stanzaHandled(element: Element): void {
    for (const observe of [...this.handledObservers]) observe(element);
  }

  private isStanza(element: Element, ns: string | undefined): boolean {
    return STANZA_NAMES.has(element.name) && (ns === undefined || ns === this.policy.contentNs);
  }

  /** Fires the element event on our host; `unhandled` runs when no hook took it. */
  private dispatch(element: Element, ns: string, unhandled: () => void | Promise<void>): void | Promise<void> {
    const event: ElementEvent = { session: this, element };
    const handled = this.host!.events.fire(elementEventName(this.kind, ns, element.name), event);
    if (handled === true) return;
    if (handled === false) return unhandled();
    return handled.then((h) => (h ? undefined : unhandled()));
  }

  private afterElementHooks(element: Element, ns: string): void | Promise<void> {
    if (ns === this.policy.contentNs && STANZA_NAMES.has(element.name)) {
      // RFC 6120 §4.3.5 / XML-16: nothing is routed before the link is ready.
      if (!this.policy.isReady(this)) return this.close(new StreamError("not-authorized", "Authenticate and bind a resource first"));
      return this.policy.route(this, element);
    }
    return this.close(new StreamError("unsupported-stanza-type", `Unsupported element <${element.name} xmlns='${ns}'/>`));
  }

  private onStreamEnd(): void {
    // The peer closed its stream: answer with ours (unless we already did) and close the socket (RFC 6120 §4.4).
    if (this.state !== "closing") this.close();
    this.socket.end();
  }

  private onPeerEnd(): void {
    if (this.state === "detached") return;
    // The peer's </stream:stream> is still queued behind a busy handler: the queue reaches it and closes cleanly.
    if (this.items.some((i) => i.t === "end")) return;
    // A connection that ends without </stream:stream> leaves the stream unfinished (XEP-0198 §7).
    if (this.loseTransport()) return;
    if (this.state !== "closed") this.close();
    this.socket.end();
  }

  private onIdle(): void {
    const error = new StreamError("connection-timeout", "Idle for too long");
    if (!this.loseTransport(error)) this.close(error);
  }

  /** Queues an element for the peer; writes are batched per event-loop turn. Stanzas pass the outbound filters first. */
  send(element: Element, opts?: SendOptions): void {
    if (this.state === "closed" || this.state === "closing") return;
    let out: Element | undefined = this.inContentNs(element);
    if (this.outFilters.length > 0 && this.isStanza(out, out.attrs.xmlns as string | undefined)) {
      out = this.filterOutbound(out, opts?.after);
      if (!out) return;
    }
    if (this.state === "detached") return;
    this.stanzasOut++;
    this.writeRaw(serialize(out));
  }

  private filterOutbound(stanza: Element, after: OutboundFilter | undefined): Element | undefined {
    const filters = [...this.outFilters];
    const start = after ? filters.findIndex((f) => f.filter === after) + 1 : 0;
    let out: Element | undefined = stanza;
    for (let i = start; i < filters.length && out; i++) out = filters[i].filter(out, this);
    return out;
  }

  /** Settles once the element being processed (if any) is done; a detached session then stays idle. */
  async whenIdle(): Promise<void> {
    while (this.inFlight) await this.inFlight.then(() => undefined, () => undefined);
  }

  /** Adds a filter that sees each outbound stanza (higher priority first); returns its remover. */
  addOutboundFilter(filter: OutboundFilter, priority = 0): () => void {
    const entry = { filter, priority };
    this.outFilters.push(entry);
    this.outFilters.sort((a, b) => b.priority - a.priority);
    return () => {
      const i = this.outFilters.indexOf(entry);
      if (i >= 0) this.outFilters.splice(i, 1);
    };
  }

  /** Calls `observe` once each inbound stanza has been fully processed; returns its remover. */
  onStanzaHandled(observe: (stanza: Element) => void): () => void {
    this.handledObservers.push(observe);
    return () => {
      const i = this.handledObservers.indexOf(observe);
      if (i >= 0) this.handledObservers.splice(i, 1);
    };
  }

  /**
   * A stanza that came in on another kind of link still says so (jabber:server from a peer server,
   * jabber:client from a client): written as is, it would be a different element on this stream.
   */
  private inContentNs(element: Element): Element {
    const ns = element.attrs.xmlns as string | undefined;
    if (ns === this.policy.contentNs || (ns !== NS.CLIENT && ns !== NS.SERVER) || !STANZA_NAMES.has(element.name)) return element;
    const copy = new ElementCtor(element.name, { ...element.attrs, xmlns: this.policy.contentNs });
    copy.children = element.children;
    return copy;
  }

  writeRaw(data: string): void {
    if (this.state === "closed" || this.state === "detached") return;
    this.out.push(data);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      scheduleFlush(this);
    }
  }

  /** @internal Called by the shared flush queue. */
  flush(): void {
    this.flushScheduled = false;
    if (this.out.length === 0 || this.socket.destroyed) {
      this.out = [];
      return;
    }
    const data = this.out.length === 1 ? this.out[0] : this.out.join("");
    this.out = [];
    this.socket.write(data);
    if (this.socket.writableLength > MAX_BUFFERED_OUTPUT && this.state !== "closing") {
      // A peer that does not read must not grow our memory without bound.
      this.log.warn("peer is not reading; closing", { session: this.id });
      this.socket.destroy();
    }
  }

  /**
   * A new stream on the same transport (after SASL success): expect a fresh header, and when we
   * initiated, send ours first (RFC 6120 §6.4.6).
   */
  restart(): void {
    // Channel bindings are asked for during SASL only, which a restart ends.
    this.cbCache = undefined;
    this.parser.reset();
    this.parser.setLimits(this.policy.limits(this));
    this.items.length = 0;
    this.state = "awaiting-header";
    this.headerSent = false;
    if (this.initiating) this.sendHeader();
  }

  /** The link became ready: relax limits, stop the negotiation timer. */
  markReady(): void {
    if (this.negotiationTimer) clearTimeout(this.negotiationTimer);
    this.negotiationTimer = undefined;
    this.parser.setLimits(this.policy.limits(this));
    const rate = this.policy.readRate?.(this);
    this.shaper = rate && rate.bytesPerSecond > 0 ? { bucket: new TokenBucket(rate.bytesPerSecond, rate.burstBytes, performance.now()), timer: undefined } : undefined;
  }

  /**
   * Upgrades the transport to TLS after <proceed/>. Anything the peer pipelined behind
   * <starttls/> is discarded (RFC 6120 §5.4.3.3), and the parser starts over.
   */
  startTls(options: TlsOptions, handshakeTimeoutMs = 30_000): void {
    const raw = this.detachForTls();
    const tlsSocket = new TLSSocket(raw, { ...options, isServer: true });
    this.adoptTlsSocket(raw, tlsSocket, "secure", handshakeTimeoutMs);
    raw.resume();
  }

  /**
   * The initiating side of STARTTLS, after the peer's <proceed/>: the handshake, then our new
   * stream header (RFC 6120 §5.4.3.3). Certificate policy is the caller's (verifyPeerCertificate).
   */
  startTlsClient(options: ConnectionOptions, handshakeTimeoutMs = 30_000): void {
    const raw = this.detachForTls();
    const tlsSocket = tlsConnect({ ...options, socket: raw });
    this.adoptTlsSocket(raw, tlsSocket, "secureConnect", handshakeTimeoutMs);
  }

  private detachForTls(): Socket {
    this.flushNow();
    const raw = this.socket;
    this.detachListeners?.();
    this.items.length = 0;
    this.parser.reset();
    this.state = "awaiting-header";
    this.headerSent = false;
    return raw;
  }

  private adoptTlsSocket(raw: Socket, tlsSocket: TLSSocket, secureEvent: "secure" | "secureConnect", handshakeTimeoutMs: number): void {
    hardenTlsSocket(tlsSocket);
    this.socket = tlsSocket;
    // The TLS socket has its own idle timer from here on; the raw one would only duplicate it.
    raw.setTimeout(0);
    let timer: NodeJS.Timeout | undefined = setTimeout(() => {
      this.closeReason ??= "TLS handshake timed out";
      this.log.debug("TLS handshake timed out", { session: this.id });
      tlsSocket.destroy();
    }, handshakeTimeoutMs);
    timer.unref();
    tlsSocket.once(secureEvent, () => {
      clearTimeout(timer);
      timer = undefined;
      this.secure = true;
      tlsSocket.setTimeout(this.opts.idleTimeoutMs);
      if (this.initiating) this.sendHeader();
    });
    this.attach(tlsSocket);
    destroyWith(raw, tlsSocket);
  }

  private flushNow(): void {
    if (this.out.length) {
      const data = this.out.join("");
      this.out = [];
      this.socket.write(data);
    }
  }

  /** Closes the stream: optional stream error, our </stream:stream>, then the socket after a grace period. */
  close(error?: StreamError): void {
    if (this.state === "closing" || this.state === "closed") return;
    if (this.state === "detached") {
      // No connection to say goodbye on: the session itself ends here.
      this.state = "closed";
      if (error) this.closeReason ??= error.text ? `${error.condition}: ${error.text}` : error.condition;
      this.policy.onClosed(this);
      return;
    }
    if (!this.headerSent) this.sendHeader();
    if (error) {
      this.closeReason ??= error.text ? `${error.condition}: ${error.text}` : error.condition;
      this.log.debug("closing stream with error", { session: this.id, condition: error.condition, text: error.text });
      this.writeRaw(serialize(streamErrorElement(error)));
    }
    this.writeRaw("</stream:stream>");
    this.state = "closing";
    this.flushNow();
    // RFC 6120 §4.9.1.1: stream errors are unrecoverable; half-close at once rather than wait for the peer.
    if (error) this.socket.end();
    this.closeTimer = setTimeout(() => this.socket.destroy(), this.opts.closeTimeoutMs);
    this.closeTimer.unref();
    // Stop routing to this session right away; the socket may linger for the grace period.
    this.policy.onClosed(this);
  }

  /** Ends the session without ceremony (process shutdown after close, or a dead socket). */
  destroy(): void {
    this.socket.destroy();
  }

  private onSocketClosed(socket: Socket): void {
    if (socket !== this.socket || this.state === "detached") return;
    if (this.state === "open" && this.loseTransport()) return;
    const wasClosing = this.state === "closing";
    this.state = "closed";
    if (this.closeTimer) clearTimeout(this.closeTimer);
    if (this.negotiationTimer) clearTimeout(this.negotiationTimer);
    this.items.length = 0;
    if (!wasClosing) this.policy.onClosed(this);
  }

  /**
   * The connection is gone (or is being given up) while the stream is open. A keeper may hold the
   * session: it stays bound and keeps taking stanzas (its filters queue them), reading stops, and
   * stanzas that arrived but were not processed are dropped (they were not acknowledged either).
   * `notice` is written first when the connection may still be alive (idle timeout).
   */
  private loseTransport(notice?: StreamError): boolean {
    if (this.state !== "open" || !this.keeper || !this.keeper(this)) return false;
    this.detachTransport(notice);
    return true;
  }

  private detachTransport(notice?: StreamError): void {
    if (notice) {
      this.closeReason ??= notice.text ? `${notice.condition}: ${notice.text}` : notice.condition;
      this.writeRaw(serialize(streamErrorElement(notice)));
      this.writeRaw("</stream:stream>");
      this.flushNow();
    }
    this.state = "detached";
    this.out = [];
    this.items.length = 0;
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.detachListeners?.();
    this.detachListeners = undefined;
    const socket = this.socket;
    socket.end();
    // A peer that is really gone never completes the close.
    setTimeout(() => socket.destroy(), this.opts.closeTimeoutMs).unref();
    this.log.debug("connection gone; session kept", { session: this.id, jid: this.jid?.toString() });
  }

  /**
   * XEP-0198 resumption: this bound session continues on `from`'s connection (authenticated, not
   * bound), with whatever `from` has read but not yet processed. A connection this session still
   * had is closed with `conflict` (XEP-0198 §5). `from` ends without a word on the wire: the
   * connection is no longer its own.
   */
  adoptTransport(from: Session): void {
    if (this.state === "open") this.detachTransport(new StreamError("conflict", "The session was resumed on another connection"));
    if (this.state !== "detached") throw new Error(`adoptTransport: session is ${this.state}`);
    from.flushNow();
    from.detachListeners?.();
    from.detachListeners = undefined;
    if (from.negotiationTimer) clearTimeout(from.negotiationTimer);
    if (from.closeTimer) clearTimeout(from.closeTimer);

    this.socket = from.socket;
    this.parser = from.parser;
    this.sink = from.sink;
    this.sink.items = this.items;
    this.items.push(...from.items.splice(0));
    this.streamId = from.streamId;
    this.peerHeader = from.peerHeader;
    this.secure = from.secure;
    this.remoteAddress = from.remoteAddress;
    this.headerSent = true;
    this.state = "open";
    this.attach(this.socket);

    from.state = "closed";
    from.closeReason = `resumed as session ${this.id}`;
    from.policy.onClosed(from);
    this.log.debug("session resumed on a new connection", { session: this.id, from: from.id, jid: this.jid?.toString() });
    // What the peer sent after its resume request runs once the caller has answered it.
    process.nextTick(() => {
      if (this.busy || this.state !== "open" || this.throttled) return;
      this.socket.resume();
      this.drain();
    });
  }
}

/** Condition and text of a received <stream:error/>. */
function streamErrorSummary(error: Element): { condition: string; text?: string } {
  let condition = "undefined-condition";
  let text: string | undefined;
  for (const c of error.children) {
    if (typeof c === "string" || c.attrs.xmlns !== NS.STREAMS_ERR) continue;
    if (c.name === "text") text = c.children.filter((t) => typeof t === "string").join("");
    else condition = c.name;
  }
  return { condition, text };
}
