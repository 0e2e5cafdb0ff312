/**
 * Counting and acknowledging: inbound stanzas are counted once fully handled, outbound ones are
 * queued until the client acknowledges them, <r/> is answered at once, and the server asks for
 * acks itself.
 *
 * Decisions:
 * - Inbound h advances only when the router is done with a stanza (stored, delivered to a
 *   session's queue, answered), never on receipt (reliability.md §6 D1). The session's serial
 *   queue means an <r/> is answered only after every stanza before it was handled.
 * - The server sends <r/> once more than smacks_max_unacked_stanzas are unacknowledged, at most
 *   one outstanding at a time, coalesced per event-loop tick (as Prosody's mod_smacks does).
 * - Past smacks_max_queue_size unacknowledged stanzas the stream is closed with policy-violation;
 *   nothing is lost: the queue is re-routed like any other ended session's.
 *
 * References:
 * - XEP-0198 §4 (acks; h counts stanzas only, not nonzas; <r/> MUST be answered and not withheld),
 *   §6 (an h higher than what was sent: undefined-condition with <handled-count-too-high/>)
 */
import type { Element } from "ltx";
import { StreamError } from "../../lib/errors";
import type { ElementEvent } from "../../lib/stream/types";
import type { Session } from "../../lib/stream/session";
import { cloneElement } from "../../lib/stanza";
import { serialize } from "../../lib/xml/serialize";
import type { SmContext } from "./context";
import { addH, parseH } from "./counter";
import { ack, handledCountTooHigh, request } from "./nonzas";
import { setSmState, smState, SmState } from "./state";
import { UnackedQueue } from "./unacked";

/** Lowest: stream management sees the stanzas that are really written, after every other filter. */
export const FILTER_PRIORITY = -100;

/** Starts counting in both directions on a bound session. */
export function startCounting(ctx: SmContext, session: Session): SmState {
  const st: SmState = {
    inbound: 0,
    queue: new UnackedQueue(),
    hibernationMs: ctx.settings.hibernationMs,
    awaitingAck: false,
    requestScheduled: false,
    ending: false,
    filter: (stanza, s) => queueOutbound(ctx, s, st, stanza),
    undo: [],
  };
  st.undo.push(session.addOutboundFilter(st.filter, FILTER_PRIORITY));
  st.undo.push(session.onStanzaHandled(() => (st.inbound = addH(st.inbound))));
  setSmState(session, st);
  ctx.sessions.add(session);
  return st;
}

function queueOutbound(ctx: SmContext, session: Session, st: SmState, stanza: Element): Element | undefined {
  // A copy: the same element may go to several sessions, and callers may change it after send().
  st.queue.push(cloneElement(stanza));
  if (st.queue.length > ctx.settings.maxQueue) endForQueueSize(ctx, session, st);
  if (session.detached) return undefined;
  scheduleRequest(ctx, session, st);
  return stanza;
}

function endForQueueSize(ctx: SmContext, session: Session, st: SmState): void {
  if (st.ending) return;
  st.ending = true;
  ctx.log.info("too many unacknowledged stanzas; ending the session", { session: session.id, jid: session.jid?.toString(), queued: st.queue.length });
  // Not from inside send(): closing re-enters routing (unavailable presence, re-routing the queue).
  setImmediate(() => session.close(new StreamError("policy-violation", "Too many unacknowledged stanzas")));
}

/** Asks for an ack after this tick's stanzas when enough are unacknowledged and none is outstanding. */
export function scheduleRequest(ctx: SmContext, session: Session, st: SmState, force = false): void {
  if (st.requestScheduled || st.awaitingAck) return;
  if (!force && st.queue.length <= ctx.settings.maxUnacked) return;
  st.requestScheduled = true;
  process.nextTick(() => {
    st.requestScheduled = false;
    if (session.closed || session.detached || st.awaitingAck || smState(session) !== st) return;
    if (!force && st.queue.length <= ctx.settings.maxUnacked) return;
    st.awaitingAck = true;
    session.send(request());
  });
}

export function handleRequest(ctx: SmContext, { session }: ElementEvent): true | undefined {
  const st = smState(session);
  if (!st) return undefined;
  session.send(ack(st.inbound));
  scheduleRequest(ctx, session, st);
  return true;
}

export function handleAck(ctx: SmContext, { session, element }: ElementEvent): true | undefined {
  const st = smState(session);
  if (!st) return undefined;
  const h = parseH(element.attrs.h as string | undefined);
  if (h === undefined) {
    session.close(new StreamError("invalid-xml", "<a/> needs an 'h' attribute holding an unsigned 32-bit integer"));
    return true;
  }
  const result = st.queue.ack(h);
  if (!result.ok) {
    closeHandledTooHigh(session, h, result.sendCount);
    return true;
  }
  st.awaitingAck = false;
  scheduleRequest(ctx, session, st);
  return true;
}

/** XEP-0198 §6: the stream error carries our own count next to the peer's. */
export function closeHandledTooHigh(session: Session, h: number, sendCount: number): void {
  session.closeReason = `the client acknowledged ${h} stanzas; ${sendCount} were sent`;
  session.writeRaw(serialize(handledCountTooHigh(h, sendCount)));
  session.close();
}
