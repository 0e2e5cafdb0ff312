/**
 * Enforcing blocklists on the stanza path, in both directions.
 *
 * Inbound (a blocked JID writes to the user) is checked on the user's host before any delivery
 * handler, for stanzas from clients, servers and the server itself alike. Outbound (the user writes
 * to a blocked JID) is checked in the pre- events for the user's own client stanzas to our hosts,
 * in the main events for stanzas the server sends on the user's behalf (presence broadcasts), and
 * on route/remote for anything leaving for another domain, which never reaches a host's events.
 *
 * References:
 * - XEP-0191 §3.3 (inbound: presence dropped without an error; message → service-unavailable; IQ
 *   get/set → service-unavailable, other IQs dropped; outbound: not-acceptable with <blocked/>)
 * - XEP-0191 §5 note (never between one user's own resources), §6 (JID matching)
 */
import type { Element } from "ltx";
import { AppCondition, StanzaError, stanzaError } from "../../lib/errors";
import { Priority } from "../../lib/events";
import type { JID } from "../../lib/jid";
import type { ModuleContext } from "../../lib/module-host/define";
import type { StanzaEvent } from "../../lib/router";
import { canReplyWithError, errorReply } from "../../lib/stanza";
import type { Session } from "../../lib/stream/session";
import { isBlocked } from "./jid-match";
import { storeFor } from "./registry";
import type { Blocklist, BlocklistStore } from "./store";

export const NS_BLOCKING_ERRORS = "urn:xmpp:blocking:errors";
const BLOCKED: AppCondition = { name: "blocked", xmlns: NS_BLOCKING_ERRORS };

type Verdict = boolean | Promise<boolean>;

/** What the router hands to route/remote. */
interface RemoteEvent {
  origin: Session | undefined;
  stanza: Element;
  to: JID;
  from: JID;
}

function withList(list: Blocklist | Promise<Blocklist>, decide: (l: Blocklist) => boolean): Verdict {
  return list instanceof Promise ? list.then(decide) : decide(list);
}

function either(first: Verdict, second: () => Verdict): Verdict {
  if (first === true) return true;
  if (first === false) return second();
  return first.then((v) => v || second());
}

function sameAccount(a: JID, b: JID): boolean {
  return a.local === b.local && a.domain === b.domain;
}

/** The user's own server (the bare domain), which a blocklist must not cut the user off from. */
function isOwnServer(server: JID, user: JID): boolean {
  return !server.local && !server.resource && server.domain === user.domain;
}

/**
 * `exempt` holds stanzas the module itself generates on the user's behalf (the unavailable presence
 * sent when blocking, error replies to blocked senders), which must pass the user's own list.
 */
export function installEnforcement(mod: ModuleContext, store: BlocklistStore, exempt: WeakSet<Element>): void {
  const host = mod.host!;
  const router = mod.server.router;

  const reply = (origin: Session | undefined, stanza: Element, err: StanzaError) => {
    if (!canReplyWithError(stanza)) return;
    const r = errorReply(stanza, err);
    exempt.add(r);
    router.reply(origin, stanza, r);
  };

  /** The sender is one of our users and blocks the recipient. */
  const outbound = (ev: RemoteEvent): Verdict => {
    const { from, to, stanza, origin } = ev;
    if (!from.local || exempt.has(stanza) || sameAccount(from, to) || isOwnServer(to, from)) return false;
    const senderStore = storeFor(mod.server, from.domain);
    if (!senderStore) return false;
    return withList(senderStore.get(from.local), (list) => {
      if (!isBlocked(list, to)) return false;
      // The user's own client hears why; what the server sends for the user is dropped quietly.
      if (origin?.kind === "c2s" && origin.jid?.equals(from)) reply(origin, stanza, new StanzaError("cancel", "not-acceptable", undefined, BLOCKED));
      return true;
    });
  };

  /** The recipient is one of this host's users and blocks the sender. */
  const inbound = (ev: StanzaEvent): Verdict => {
    const { from, to, stanza, origin } = ev;
    if (!to.local || sameAccount(from, to) || isOwnServer(from, to)) return false;
    return withList(store.get(to.local), (list) => {
      if (!isBlocked(list, from)) return false;
      // Answered as if the user were offline; presence gets no answer at all.
      const type = stanza.attrs.type as string | undefined;
      if (stanza.name === "message" || (stanza.name === "iq" && (type === "get" || type === "set"))) reply(origin, stanza, stanzaError("service-unavailable"));
      return true;
    });
  };

  for (const name of ["message", "presence", "iq"]) {
    for (const kind of ["bare", "full", "host"]) {
      mod.hook<StanzaEvent>(`pre-${name}/${kind}`, (ev) => outbound(ev), Priority.FILTER);
      // Client stanzas already passed the pre- check above; everything else is checked here.
      mod.hook<StanzaEvent>(`${name}/${kind}`, (ev) => either(ev.origin?.kind === "c2s" ? false : outbound(ev), () => inbound(ev)), Priority.FILTER);
    }
  }

  mod.hookGlobal<RemoteEvent>("route/remote", (ev) => (ev.from.domain === host.name ? outbound(ev) : undefined), Priority.FILTER);
}
