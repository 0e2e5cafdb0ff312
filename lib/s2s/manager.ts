/**
 * Outgoing server-to-server links, by remote domain: which link carries a stanza, when a new
 * link is opened, and where dialback verification requests go.
 *
 * One link per pair of domains at most; a further local domain reuses a link to the same peer
 * (sender multiplexing, XEP-0220 §2.5) when the peer allows it, and otherwise gets its own.
 *
 * A domain we failed to reach is not tried again at once: until its retry delay has passed
 * (doubling from 10 s up to s2s_max_retry_delay, like ejabberd's), stanzas for it bounce at once
 * with the last failure's condition, instead of each one opening a connection to a dead peer.
 *
 * References:
 * - RFC 6120 §10.4 (remote domains), §10.4.3 (remote-server-not-found / -timeout),
 *   XEP-0220 §2.1.2 (verification requests), §2.5 (multiplexing)
 */
import type { Socket } from "node:net";
import type { Element } from "ltx";
import type { Logger } from "../log";
import type { Router } from "../router";
import type { CoreOptions } from "../server";
import { Session } from "../stream/session";
import { bounceStanzas } from "./bounce";
import { OutgoingLink, type BounceCondition, type VerifyResult } from "./link";
import { makeS2sOutPolicy } from "./outbound-policy";
import type { S2sService } from "./service";

const FIRST_RETRY_MS = 10_000;
/** Unreachable domains remembered at most (each costs a few hundred bytes); the oldest go first. */
const MAX_UNREACHABLE = 10_000;

interface Unreachable {
  until: number;
  delayMs: number;
  cause: string;
  condition: BounceCondition;
}

export class S2sManager {
  readonly log: Logger;
  private readonly links = new Map<string, Set<OutgoingLink>>();
  private readonly bySession = new WeakMap<Session, OutgoingLink>();
  /** Incoming bidirectional streams (XEP-0288) we may answer over: remote → local → stream. */
  private readonly incoming = new Map<string, Map<string, Session>>();
  private readonly outPolicy;
  private stopping = false;
  /** Domains we recently failed to reach, and until when we do not try again. */
  private readonly unreachable = new Map<string, Unreachable>();

  constructor(readonly service: S2sService) {
    this.log = service.server.log.child("s2s");
    this.outPolicy = makeS2sOutPolicy(service);
  }

  get options(): CoreOptions {
    return this.service.server.options;
  }

  get router(): Router {
    return this.service.server.router;
  }

  dialbackOn(local: string): boolean {
    return this.service.moduleOn("dialback", local);
  }

  /** Every live link (for diagnostics and tests). */
  all(): OutgoingLink[] {
    return [...this.links.values()].flatMap((s) => [...s]);
  }

  linkOf(session: Session): OutgoingLink | undefined {
    return this.bySession.get(session);
  }

  /** Sends (or queues) a stanza from a local domain to a remote one. */
  route(local: string, remote: string, stanza: Element): void {
    if (this.stopping) {
      bounceStanzas(this.router, [stanza], "remote-server-timeout", "The server is shutting down");
      return;
    }
    const links = this.linksTo(remote);
    const ready = links.find((l) => l.canSend(local));
    if (ready) return ready.send(local, stanza);
    const back = this.incoming.get(remote)?.get(local);
    if (back && !back.closed) return back.send(stanza);
    const waiting = links.find((l) => !l.closed && l.isWaitingFor(local));
    if (waiting) return waiting.enqueue(local, stanza);
    const carrier = links.find((l) => l.canCarry(local));
    if (carrier) return carrier.carry(local, stanza);
    const down = this.retryPending(remote);
    if (down) {
      bounceStanzas(this.router, [stanza], down.condition, down.text);
      return;
    }
    const link = this.create(local, remote);
    link.enqueue(local, stanza);
    void link.start();
  }

  /** A link to `remote` failed before it was ready: back off before the next attempt. */
  noteFailure(remote: string, cause: string, condition: BounceCondition): void {
    if (this.stopping || condition === "resource-constraint") return;
    const previous = this.unreachable.get(remote);
    const delayMs = Math.min(previous ? previous.delayMs * 2 : FIRST_RETRY_MS, this.options.s2s_max_retry_delay);
    if (this.unreachable.size >= MAX_UNREACHABLE && !previous) this.unreachable.delete(this.unreachable.keys().next().value as string);
    this.unreachable.set(remote, { until: Date.now() + delayMs, delayMs, cause, condition });
  }

  /** A link to `remote` is up: it is reachable again. */
  noteSuccess(remote: string): void {
    this.unreachable.delete(remote);
  }

  /** Why stanzas for `remote` bounce without a new attempt, while its retry delay runs. */
  private retryPending(remote: string): { condition: BounceCondition; text: string } | undefined {
    const u = this.unreachable.get(remote);
    if (!u) return undefined;
    const left = u.until - Date.now();
    // Past the delay the next stanza tries again; the delay is kept, so a new failure doubles it.
    if (left <= 0) return undefined;
    return { condition: u.condition, text: `Server-to-server connection failed: ${u.cause} (next attempt in ${Math.ceil(left / 1000)} s)` };
  }

  /** Stanzas of a local domain the peer would not multiplex: a link of its own. */
  dedicated(local: string, remote: string, stanzas: Element[]): void {
    const existing = this.linksTo(remote).find((l) => l.local === local && !l.closed);
    const down = existing ? undefined : this.retryPending(remote);
    if (down) {
      bounceStanzas(this.router, stanzas, down.condition, down.text);
      return;
    }
    const link = existing ?? this.create(local, remote);
    for (const s of stanzas) link.enqueue(local, s);
    if (!existing) void link.start();
  }

  /**
   * Asks the authoritative server of `remote` whether it issued `key` for the stream `id` we
   * gave it (we are `local`). Reuses a link to that domain, or opens one.
   */
  verify(local: string, remote: string, id: string, key: string): Promise<VerifyResult> {
    const links = this.linksTo(remote).filter((l) => !l.closed);
    let link = links.find((l) => l.local === local) ?? links[0];
    if (!link) {
      if (this.stopping) return Promise.resolve({ type: "error", condition: "remote-server-timeout", text: "shutting down" });
      const down = this.retryPending(remote);
      if (down) return Promise.resolve({ type: "error", condition: down.condition, text: down.text });
      link = this.create(local, remote);
      void link.start();
    }
    return link.requestVerify(local, remote, id, key);
  }

  /**
   * A peer that asked for a bidirectional stream authenticated `remote` towards `local`: stanzas
   * from `local` to `remote` may use that stream (XEP-0288 §2.2: the inverse of the pair).
   */
  adoptIncoming(local: string, remote: string, session: Session): void {
    let byLocal = this.incoming.get(remote);
    if (!byLocal) this.incoming.set(remote, (byLocal = new Map()));
    byLocal.set(local, session);
    this.log.debug("incoming bidirectional stream carries our stanzas too", { session: session.id, from: local, to: remote });
  }

  forgetIncoming(session: Session): void {
    for (const [remote, byLocal] of this.incoming) {
      for (const [local, s] of byLocal) if (s === session) byLocal.delete(local);
      if (byLocal.size === 0) this.incoming.delete(remote);
    }
  }

  openSession(link: OutgoingLink, socket: Socket, directTls: boolean): Session {
    const server = this.service.server;
    const o = server.options;
    const host = server.hosts.get(link.local)!;
    const session = new Session(socket, this.outPolicy, this.log, {
      idleTimeoutMs: o.s2s_timeout,
      negotiationTimeoutMs: o.s2s_negotiation_timeout,
      closeTimeoutMs: o.stream_close_timeout,
      directTls,
      initiate: { host, to: link.remote },
    });
    this.bySession.set(session, link);
    server.streams.add(session);
    return session;
  }

  remove(link: OutgoingLink): void {
    const set = this.links.get(link.remote);
    if (!set) return;
    set.delete(link);
    if (set.size === 0) this.links.delete(link.remote);
  }

  /** No new links from now on (the server is stopping; its streams are closed by the kernel). */
  shutdown(): void {
    this.stopping = true;
    for (const l of this.all()) if (!l.session) l.fail("the server is shutting down", "remote-server-timeout");
  }

  private linksTo(remote: string): OutgoingLink[] {
    return [...(this.links.get(remote) ?? [])];
  }

  private create(local: string, remote: string): OutgoingLink {
    const link = new OutgoingLink(this, local, remote);
    let set = this.links.get(remote);
    if (!set) this.links.set(remote, (set = new Set()));
    set.add(link);
    this.log.debug("opening an outgoing s2s link", { link: link.id, from: local, to: remote });
    return link;
  }
}
