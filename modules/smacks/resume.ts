/**
 * <resume/>: a new authenticated stream of the same account takes over a resumable session.
 *
 * Decisions:
 * - The old session's in-flight stanza (if any) is finished first, so <resumed h/> counts
 *   exactly what was handled and the client neither loses nor repeats anything.
 * - Stanzas the client did not acknowledge are retransmitted once each, in order, with a
 *   <delay/> stamp of when they were first sent; they stay queued until acknowledged.
 * - An h higher than what we sent closes the new stream (handled-count-too-high); the old
 *   session keeps hibernating and ends on its timer as usual.
 *
 * References:
 * - XEP-0198 §5 (resume before binding; <resumed previd h/>; <failed><item-not-found/></failed>
 *   for an unknown or expired id, MAY with h; the old stream gets a conflict stream error;
 *   both sides retransmit what the other did not handle), §9 (same account only)
 * - XEP-0203 §2 (delay)
 */
import type { ElementEvent } from "../../lib/stream/types";
import { cloneElement } from "../../lib/stanza";
import { closeHandledTooHigh, scheduleRequest } from "./acks";
import type { SmContext } from "./context";
import { parseH } from "./counter";
import { withDelay } from "./delay";
import { stopHibernation } from "./hibernation";
import { failed, resumed } from "./nonzas";
import { smState } from "./state";

export async function handleResume(ctx: SmContext, { session, element }: ElementEvent): Promise<true> {
  const user = session.username;
  if (user === undefined) {
    session.send(failed("not-authorized"));
    return true;
  }
  if (session.jid) {
    session.send(failed("unexpected-request"));
    return true;
  }
  const previd = (element.attrs.previd as string | undefined) ?? "";
  const rawH = element.attrs.h as string | undefined;
  const h = parseH(rawH);
  if (rawH !== undefined && h === undefined) {
    session.send(failed("bad-request"));
    return true;
  }
  const old = ctx.registry.get(user, previd);
  if (!old || old.closed || old.username !== user) {
    session.send(failed("item-not-found", ctx.registry.takeEndedH(user, previd)));
    return true;
  }

  await old.whenIdle();
  const st = smState(old);
  // It may have expired, or been resumed or closed elsewhere, while we waited.
  if (session.closed) return true;
  if (!st || ctx.registry.get(user, previd) !== old || old.closed) {
    session.send(failed("item-not-found"));
    return true;
  }
  if (h !== undefined) {
    const result = st.queue.ack(h);
    if (!result.ok) {
      closeHandledTooHigh(session, h, result.sendCount);
      return true;
    }
  }

  stopHibernation(st);
  st.awaitingAck = false;
  old.adoptTransport(session);
  old.send(resumed(previd, st.inbound));
  const account = old.jid!.bare.toString();
  for (const u of st.queue.all()) old.send(withDelay(cloneElement(u.stanza), u.queuedAt, account), { after: st.filter });
  ctx.log.debug("session resumed", { session: old.id, jid: old.jid?.toString(), resent: st.queue.length });
  await ctx.host.events.fire("smacks-resumed", { session: old });
  scheduleRequest(ctx, old, st, st.queue.length > 0);
  return true;
}
