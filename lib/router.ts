/**
 * The stanza router, in three steps: process (validate and stamp what a link sent), post
 * (dispatch by destination to the destination host's handlers) and route (other domains).
 *
 * References:
 * - RFC 6120 §8.1.1.1 (no 'to': the account's bare JID), §8.1.2.1 (the server stamps 'from')
 * - RFC 6120 §8.2.3 (IQ: get/set carry exactly one child and get exactly one reply)
 * - RFC 6120 §8.3.1 (never answer an error), §10 (server rules for processing XML stanzas)
 */
import type { Element } from "ltx";
import { StanzaError, stanzaError, StreamError } from "./errors";
import type { Host } from "./host";
import { JID, tryParseJid } from "./jid";
import type { Logger } from "./log";
import { canReplyWithError, childElements, errorReply, iqResult } from "./stanza";
import type { Session } from "./stream/session";
import type { EventBus } from "./events";

export type AddrKind = "host" | "bare" | "full" | "self";

export interface StanzaEvent {
  /** The session the stanza came from; undefined for stanzas the server itself generated. */
  origin: Session | undefined;
  stanza: Element;
  /** The destination host (one of ours). */
  host: Host;
  to: JID;
  from: JID;
  kind: AddrKind;
}

export interface IqEvent extends StanzaEvent {
  /** The one child of an IQ get/set. */
  payload: Element;
}

/** What an IQ handler returns: a payload for the result, true for an empty result, undefined to pass. */
export type IqHandlerResult = Element | true | undefined | void;
export type IqHandler = (ev: IqEvent) => IqHandlerResult | Promise<IqHandlerResult>;

export interface RouterDeps {
  hosts: ReadonlyMap<string, Host>;
  globalEvents: EventBus;
  log: Logger;
}

const STANZA_TYPES: Record<string, ReadonlySet<string>> = {
  iq: new Set(["get", "set", "result", "error"]),
  message: new Set(["chat", "error", "groupchat", "headline", "normal"]),
  presence: new Set(["error", "probe", "subscribe", "subscribed", "unavailable", "unsubscribe", "unsubscribed"]),
};

export function iqEventName(type: "get" | "set", kind: AddrKind, xmlns: string, name: string): string {
  return `iq-${type}/${kind}/${xmlns}:${name}`;
}

export class Router {
  constructor(private readonly deps: RouterDeps) {}

  /** Step 1, for stanzas from a bound client session: validate, stamp 'from', then post. */
  processFromClient(origin: Session, stanza: Element): void | Promise<void> {
    const type = stanza.attrs.type as string | undefined;
    const types = STANZA_TYPES[stanza.name];
    if (type !== undefined && !types.has(type)) {
      return this.replyError(origin, stanza, stanzaError("bad-request", `Invalid type '${type}' for <${stanza.name}/>`));
    }
    // RFC 6120 §8.1.2.1: the server stamps the session's full JID; a client cannot choose its 'from'.
    stanza.attrs.from = origin.jid!.toString();
    if (stanza.name === "iq") {
      if (type === undefined) return this.replyError(origin, stanza, stanzaError("bad-request", "An IQ needs a type"));
      if (!stanza.attrs.id) return this.replyError(origin, stanza, stanzaError("bad-request", "An IQ needs an id"));
      if ((type === "get" || type === "set") && childElements(stanza).length !== 1) {
        return this.replyError(origin, stanza, stanzaError("bad-request", "An IQ get or set carries exactly one child element"));
      }
    }
    let to: JID;
    const rawTo = stanza.attrs.to as string | undefined;
    if (rawTo === undefined || rawTo === "") {
      to = origin.jid!.bare;
      if (rawTo === "") delete stanza.attrs.to;
    } else {
      const parsed = tryParseJid(rawTo);
      if (!parsed) {
        // The reply must not claim to come from an address that does not parse.
        delete stanza.attrs.to;
        return this.replyError(origin, stanza, stanzaError("jid-malformed", "Malformed 'to' address"));
      }
      to = parsed;
      stanza.attrs.to = parsed.toString();
    }
    return this.post(stanza, origin, to);
  }

  /**
   * Step 2: dispatch to the destination host's handlers, by destination kind; stanzas for other
   * domains go to step 3. Modules call this to send stanzas they generate (origin undefined).
   */
  post(stanza: Element, origin?: Session, toJid?: JID): void | Promise<void> {
    const to = toJid ?? tryParseJid(stanza.attrs.to as string | undefined);
    const from = tryParseJid(stanza.attrs.from as string | undefined);
    if (!to || !from) {
      this.deps.log.warn("dropping a stanza without a valid to/from", { name: stanza.name, to: stanza.attrs.to, from: stanza.attrs.from });
      return;
    }
    const host = this.deps.hosts.get(to.domain);
    if (!host) return this.route(stanza, origin, to, from);
    let kind: AddrKind = to.resource ? "full" : to.local ? "bare" : "host";
    if (
      stanza.name === "iq" &&
      origin?.kind === "c2s" &&
      (stanza.attrs.to === undefined || (kind === "bare" && origin.jid && to.equals(origin.jid.bare)))
    ) {
      kind = "self";
    }
    const ev: StanzaEvent = { origin, stanza, host, to, from, kind };
    return this.dispatch(ev);
  }

  private dispatch(ev: StanzaEvent): void | Promise<void> {
    const name = `${ev.stanza.name}/${ev.kind}`;
    if (ev.origin?.kind === "c2s") {
      // Outbound policy belongs to the sender's host (it may differ from the destination host).
      const vetoed = (ev.origin.host ?? ev.host).events.fire(`pre-${name}`, ev);
      if (vetoed === true) return;
      if (vetoed instanceof Promise) return vetoed.then((v) => (v ? undefined : this.dispatchMain(ev, name)));
    }
    return this.dispatchMain(ev, name);
  }

  private dispatchMain(ev: StanzaEvent, name: string): void | Promise<void> {
    const handled = ev.host.events.fire(name, ev);
    if (handled === true) return;
    if (handled === false) return this.afterMain(ev);
    return handled.then((h) => (h ? undefined : this.afterMain(ev)));
  }

  private afterMain(ev: StanzaEvent): void | Promise<void> {
    const { stanza } = ev;
    if (stanza.name === "iq" && (stanza.attrs.type === "get" || stanza.attrs.type === "set")) {
      const payload = childElements(stanza)[0];
      if (payload) {
        const iqEv: IqEvent = { ...ev, payload };
        const event = iqEventName(stanza.attrs.type, ev.kind, payload.attrs.xmlns ?? "", payload.name);
        const handled = ev.host.events.fire(event, iqEv);
        if (handled === true) return;
        if (handled instanceof Promise) return handled.then((h) => (h ? undefined : this.unhandled(ev)));
      }
    }
    return this.unhandled(ev);
  }

  /** Nothing took the stanza: service-unavailable for what may be answered, silence otherwise. */
  private unhandled(ev: StanzaEvent): void {
    const { stanza } = ev;
    if (stanza.name === "presence") return;
    if (stanza.name === "message" && (stanza.attrs.type === "groupchat" || stanza.attrs.type === "headline")) return;
    if (!canReplyWithError(stanza)) return;
    this.replyError(ev.origin, stanza, stanzaError("service-unavailable"));
  }

  /** Step 3: a stanza for a domain that is not ours. */
  route(stanza: Element, origin: Session | undefined, to: JID, from: JID): void | Promise<void> {
    const ev = { origin, stanza, to, from };
    const handled = this.deps.globalEvents.fire("route/remote", ev);
    const bounce = () => {
      // Until a link module takes it, a remote domain is unreachable.
      if (canReplyWithError(stanza)) this.replyError(origin, stanza, stanzaError("remote-server-not-found"));
    };
    if (handled === true) return;
    if (handled === false) return bounce();
    return handled.then((h) => (h ? undefined : bounce()));
  }

  /** Sends an error reply to a stanza's sender, straight to its session when it is the origin. */
  replyError(origin: Session | undefined, stanza: Element, err: StanzaError): void {
    if (!canReplyWithError(stanza)) return;
    this.reply(origin, stanza, errorReply(stanza, err));
  }

  reply(origin: Session | undefined, stanza: Element, reply: Element): void {
    // Straight to the requesting client session; a reply with no 'from' (the request had no 'to') is fine there.
    if (origin && origin.kind === "c2s" && origin.jid && (stanza.attrs.from === undefined || stanza.attrs.from === origin.jid.toString())) {
      origin.send(reply);
      return;
    }
    if (reply.attrs.to === undefined || reply.attrs.from === undefined) return;
    const posted = this.post(reply);
    if (posted instanceof Promise) posted.catch((err: unknown) => this.deps.log.error("delivering a reply failed", { err: err as Error }));
  }

  /** Wraps an IQ handler: its result or thrown StanzaError becomes the reply; a bug becomes internal-server-error. */
  iqListener(handler: IqHandler, log: Logger): (ev: IqEvent) => boolean | undefined | Promise<boolean | undefined> {
    const settle = (ev: IqEvent, r: IqHandlerResult): boolean | undefined => {
      if (r === undefined) return undefined;
      this.reply(ev.origin, ev.stanza, iqResult(ev.stanza, r === true ? undefined : r));
      return true;
    };
    const fail = (ev: IqEvent, err: unknown): true => {
      if (err instanceof StanzaError) {
        this.replyError(ev.origin, ev.stanza, err);
      } else if (err instanceof StreamError) {
        ev.origin?.close(err);
      } else {
        log.error("IQ handler failed", { payload: `${ev.payload.attrs.xmlns}:${ev.payload.name}`, session: ev.origin?.id, err: err as Error });
        this.replyError(ev.origin, ev.stanza, stanzaError("internal-server-error"));
      }
      return true;
    };
    return (ev) => {
      let r: IqHandlerResult | Promise<IqHandlerResult>;
      try {
        r = handler(ev);
      } catch (err) {
        return fail(ev, err);
      }
      if (r instanceof Promise) return r.then((v) => settle(ev, v), (err: unknown) => fail(ev, err));
      return settle(ev, r);
    };
  }
}
