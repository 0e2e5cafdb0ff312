/**
 * One outgoing server-to-server connection: resolving and connecting, then the stream
 * negotiated by the s2s and dialback modules, the stanzas waiting for it, and the dialback
 * verifications it carries for incoming links.
 *
 * The stream's own 'from' domain is authorized first; other local domains may then be
 * authorized over the same stream by dialback (sender multiplexing) when the peer advertises
 * dialback error handling. Until a domain is authorized its stanzas wait here; if the link
 * fails they go back to their senders as errors, never lost silently.
 *
 * References:
 * - RFC 6120 §3.2 (resolution), §10.4.3 (remote-server-not-found / -timeout)
 * - XEP-0220 §2.1 (outbound dialback, queueing until authorized), §2.4.2 (dialback errors),
 *   §2.5 (multiplexing), §3.1 (unsolicited results are rejected)
 */
import { randomBytes } from "node:crypto";
import type { Element } from "ltx";
import type { StanzaErrorCondition } from "../errors";
import { StreamError } from "../errors";
import type { Logger } from "../log";
import { el } from "../stanza";
import { Session } from "../stream/session";
import { toALabel } from "../tls/names";
import type { PeerCertCheck } from "../tls/verify-identity";
import { bounceStanzas } from "./bounce";
import { connectToTargets, ConnectError } from "./connect";
import { dialbackKey } from "./dialback-key";
import type { S2sManager } from "./manager";
import { NoServiceError, resolveTargets } from "./targets";

export type LinkPhase = "connecting" | "negotiating" | "ready" | "closed";
export type VerifyResult = { type: "valid" } | { type: "invalid" } | { type: "error"; condition: StanzaErrorCondition; text?: string };
export type BounceCondition = "remote-server-not-found" | "remote-server-timeout" | "resource-constraint";

export class OutgoingLink {
  readonly id = randomBytes(4).toString("hex");
  phase: LinkPhase = "connecting";
  session: Session | undefined;
  /** Local domains the peer accepts stanzas from on this link. */
  readonly authorized = new Set<string>();
  /** Local domains with a <db:result/> sent and not yet answered. */
  readonly resultPending = new Set<string>();
  /** Local domains the peer refused to multiplex: they get links of their own. */
  readonly refused = new Set<string>();
  /** The peer's certificate, checked against the remote domain once TLS is up. */
  cert: PeerCertCheck | undefined;
  /** SASL EXTERNAL progress on this stream (XEP-0178). */
  external: "attempting" | "succeeded" | "failed" | undefined;
  /** The last <stream:features/>, replayed to the auth handlers after a SASL failure. */
  lastFeatures: Element | undefined;
  peerDialback = false;
  peerDialbackErrors = false;
  /** We asked for a bidirectional stream (XEP-0288): the peer may send to us over it once we are in. */
  bidi = false;
  /** TLS is done (or not needed): the stream may carry dialback verifications. */
  usable = false;
  private readonly queues = new Map<string, Element[]>();
  private queued = 0;
  private readonly piggyback = new Set<string>();
  private readonly verifyWaiting: Element[] = [];
  private readonly verifyPending = new Map<string, { resolve: (r: VerifyResult) => void; timer: NodeJS.Timeout }>();
  private failure: { cause: string; condition: BounceCondition } | undefined;
  private readonly log: Logger;

  constructor(
    private readonly manager: S2sManager,
    /** The local domain in our stream header. */
    readonly local: string,
    readonly remote: string,
  ) {
    this.log = manager.log;
  }

  get closed(): boolean {
    return this.phase === "closed";
  }

  /** Stanzas from `local` can go out right now. */
  canSend(local: string): boolean {
    return this.phase === "ready" && this.authorized.has(local) && this.session !== undefined && !this.session.closed;
  }

  /** Stanzas from `local` are already waiting for this link. */
  isWaitingFor(local: string): boolean {
    return this.queues.has(local) || this.piggyback.has(local) || this.resultPending.has(local);
  }

  /** May `local` be authorized over this link (sender multiplexing)? */
  canCarry(local: string): boolean {
    if (this.closed || this.refused.has(local) || !this.manager.dialbackOn(local)) return false;
    return this.phase !== "ready" || this.peerDialbackErrors;
  }

  async start(): Promise<void> {
    const m = this.manager;
    try {
      const targets = await resolveTargets(m.service.resolver, toALabel(this.remote) ?? this.remote);
      if (this.closed) return;
      const { socket, target, address } = await connectToTargets(targets, {
        resolver: m.service.resolver,
        timeoutMs: m.options.s2s_connect_timeout,
        tlsOptions: () => m.service.clientTlsOptions(this.local, this.remote, true),
        cancelled: () => this.closed,
      });
      if (this.closed) {
        socket.destroy();
        return;
      }
      this.log.debug("s2s connection opened", { link: this.id, from: this.local, to: this.remote, address, port: target.port, directTls: target.directTls });
      this.phase = "negotiating";
      this.session = m.openSession(this, socket, target.directTls);
    } catch (err) {
      const e = err as Error;
      const timedOut = err instanceof ConnectError && err.timedOut;
      const cause = err instanceof NoServiceError ? e.message : err instanceof ConnectError ? `could not connect: ${e.message}` : `DNS lookup failed: ${e.message}`;
      this.finish(cause, timedOut ? "remote-server-timeout" : "remote-server-not-found");
    }
  }

  send(local: string, stanza: Element): void {
    if (this.canSend(local)) this.session!.send(stanza);
    else this.enqueue(local, stanza);
  }

  enqueue(local: string, stanza: Element): void {
    if (this.queued >= this.manager.options.s2s_send_queue_size) {
      bounceStanzas(this.manager.router, [stanza], "resource-constraint", `Too many stanzas waiting for the connection to ${this.remote}`);
      return;
    }
    let q = this.queues.get(local);
    if (!q) this.queues.set(local, (q = []));
    q.push(stanza);
    this.queued++;
  }

  /** Queues a stanza for a further local domain, to be authorized over this link. */
  carry(local: string, stanza: Element): void {
    this.enqueue(local, stanza);
    if (this.resultPending.has(local) || this.piggyback.has(local)) return;
    if (this.phase === "ready") this.multiplex(local);
    else this.piggyback.add(local);
  }

  private multiplex(local: string): void {
    if (!this.peerDialbackErrors || !this.manager.dialbackOn(local)) return this.handOver(local, "the peer does not advertise dialback error handling");
    this.sendDialbackResult(local);
  }

  /** Sends <db:result/> asking the peer to accept stanzas from `local` (XEP-0220 §2.1.1). */
  sendDialbackResult(local: string): void {
    const s = this.session!;
    const key = dialbackKey(this.manager.service.dialbackSecret, this.remote, local, s.streamId);
    s.send(el("db:result", { from: local, to: this.remote }, key));
    this.resultPending.add(local);
  }

  /** TLS is settled; dialback verifications may now use the stream. */
  streamUsable(): void {
    if (this.usable) return;
    this.usable = true;
    for (const v of this.verifyWaiting.splice(0)) this.session!.send(v);
  }

  /** The peer accepts stanzas from `local` now. */
  authenticated(local: string, mechanism: string): void {
    this.resultPending.delete(local);
    this.authorized.add(local);
    if (local === this.local && this.phase !== "ready") {
      this.phase = "ready";
      this.session!.markReady();
      this.manager.noteSuccess(this.remote);
      this.log.info("outgoing s2s link established", { link: this.id, from: this.local, to: this.remote, mechanism });
      for (const other of this.piggyback) this.multiplex(other);
      this.piggyback.clear();
    } else if (local !== this.local) {
      this.log.info("local domain authorized over an existing s2s link", { link: this.id, from: local, to: this.remote, mechanism });
    }
    this.flush(local);
  }

  /** The peer refused `local`: the whole link when it is the stream's own domain. */
  authFailed(local: string, cause: string, condition: BounceCondition, streamError?: StreamError): void {
    this.resultPending.delete(local);
    if (local === this.local) return this.fail(cause, condition, streamError);
    this.handOver(local, cause);
  }

  /** Gives `local`'s waiting stanzas a dedicated link (the peer would not multiplex). */
  private handOver(local: string, why: string): void {
    this.refused.add(local);
    const q = this.queues.get(local) ?? [];
    this.queues.delete(local);
    this.queued -= q.length;
    this.log.debug("not multiplexing; opening a dedicated link", { link: this.id, from: local, to: this.remote, why });
    this.manager.dedicated(local, this.remote, q);
  }

  private flush(local: string): void {
    const q = this.queues.get(local);
    if (!q) return;
    this.queues.delete(local);
    this.queued -= q.length;
    for (const stanza of q) this.session!.send(stanza);
  }

  /** Asks the peer (authoritative for `remote`) whether a key it issued is genuine (XEP-0220 §2.1.2). */
  requestVerify(from: string, to: string, id: string, key: string): Promise<VerifyResult> {
    return new Promise((resolve) => {
      if (this.closed) return resolve({ type: "error", condition: "remote-server-not-found", text: this.failure?.cause });
      const k = verifyKey(to, from, id);
      const previous = this.verifyPending.get(k);
      if (previous) previous.resolve({ type: "error", condition: "remote-server-timeout", text: "superseded" });
      const timer = setTimeout(() => {
        this.verifyPending.delete(k);
        resolve({ type: "error", condition: "remote-server-timeout", text: "no answer to the verification request" });
      }, this.manager.options.s2s_negotiation_timeout);
      timer.unref();
      this.verifyPending.set(k, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        timer,
      });
      const request = el("db:verify", { from, to, id }, key);
      if (this.usable) this.session!.send(request);
      else this.verifyWaiting.push(request);
    });
  }

  /** A <db:verify type=.../> answer; false when we never asked (unsolicited, XEP-0220 §3.1). */
  verifyAnswered(from: string, to: string, id: string, result: VerifyResult): boolean {
    const k = verifyKey(from, to, id);
    const p = this.verifyPending.get(k);
    if (!p) return false;
    this.verifyPending.delete(k);
    p.resolve(result);
    return true;
  }

  /** Gives up: close the stream (with an error if given); queued stanzas bounce once it is gone. */
  fail(cause: string, condition: BounceCondition, streamError?: StreamError): void {
    this.failure ??= { cause, condition };
    if (this.session && !this.session.closed) this.session.close(streamError);
    else if (!this.session) this.finish(cause, condition);
  }

  /** The stream is gone (the s2s-out policy's onClosed). */
  sessionClosed(session: Session): void {
    if (session !== this.session || this.closed) return;
    const wasReady = this.phase === "ready";
    const reason = session.closeReason ?? (wasReady ? "the connection was closed" : "the connection was closed during negotiation");
    // A peer that refuses us with a stream error before we are in cannot be reached, as far as
    // the sender is concerned; a stream that broke or timed out may work again later.
    const refused = !wasReady && session.peerErrorCondition !== undefined && session.peerErrorCondition !== "connection-timeout";
    this.finish(this.failure?.cause ?? reason, this.failure?.condition ?? (refused ? "remote-server-not-found" : "remote-server-timeout"), wasReady);
  }

  private finish(cause: string, condition: BounceCondition, wasReady = false): void {
    if (this.phase === "closed") return;
    this.phase = "closed";
    this.manager.remove(this);
    const stanzas = [...this.queues.values()].flat();
    this.queues.clear();
    this.queued = 0;
    this.piggyback.clear();
    for (const p of this.verifyPending.values()) p.resolve({ type: "error", condition: "remote-server-timeout", text: cause });
    this.verifyPending.clear();
    this.verifyWaiting.length = 0;
    if (!wasReady) this.manager.noteFailure(this.remote, cause, condition);
    const bounced = bounceStanzas(this.manager.router, stanzas, condition, `Server-to-server connection failed: ${cause}`);
    const fields = { link: this.id, from: this.local, to: this.remote, cause, bounced };
    if (wasReady && !this.failure && stanzas.length === 0) this.log.info("outgoing s2s link closed", fields);
    else this.log.warn(wasReady ? "outgoing s2s link lost" : "outgoing s2s link failed", fields);
  }
}

/** Pending verifications are keyed as the answer will address them: from the peer, to us. */
function verifyKey(peer: string, us: string, id: string): string {
  return `${peer}\u0000${us}\u0000${id}`;
}
