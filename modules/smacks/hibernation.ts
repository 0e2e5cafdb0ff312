/**
 * Hibernation: a resumable session whose connection was lost stays bound (and available to its
 * contacts) for the resumption timeout, its stanzas queued; then it ends like any other session.
 *
 * Decisions:
 * - Only a connection that goes away under an open stream hibernates (reset, FIN without
 *   </stream:stream>, idle timeout). </stream:stream> from the client and stream errors from the
 *   server end the session at once (XEP-0198 §7).
 * - At most smacks_max_hibernated_sessions per account; beyond that the oldest one ends (reliability.md DOS-06).
 *
 * References:
 * - XEP-0198 §5 (the server keeps the session for the time it announced in 'max'), §7 (stream closure)
 */
import type { Session, SessionKeeper } from "../../lib/stream/session";
import type { SmContext } from "./context";
import { smState, SmState } from "./state";

export function makeKeeper(ctx: SmContext): SessionKeeper {
  return (session) => {
    const st = smState(session);
    if (!st?.id || st.ending || !session.jid || session.username === undefined) return false;
    hibernate(ctx, session, session.username, st);
    return true;
  };
}

function hibernate(ctx: SmContext, session: Session, user: string, st: SmState): void {
  st.hibernatedAt = Date.now();
  st.awaitingAck = false;
  st.hibernationTimer = setTimeout(() => end(session, "hibernation timed out"), st.hibernationMs);
  st.hibernationTimer.unref();
  ctx.log.debug("hibernating", { session: session.id, jid: session.jid?.toString(), queued: st.queue.length, forMs: st.hibernationMs });

  const others = ctx.registry.detached(user).filter((s) => s !== session);
  const excess = others.length + 1 - ctx.settings.maxHibernated;
  if (excess > 0) {
    const oldest = others.sort((a, b) => (smState(a)?.hibernatedAt ?? 0) - (smState(b)?.hibernatedAt ?? 0)).slice(0, excess);
    // Not from inside the keeper: ending a session re-enters routing.
    setImmediate(() => oldest.forEach((s) => end(s, "too many hibernating sessions for this account")));
  }
}

export function stopHibernation(st: SmState): void {
  if (st.hibernationTimer) clearTimeout(st.hibernationTimer);
  st.hibernationTimer = undefined;
  st.hibernatedAt = undefined;
}

/** Ends a hibernating session: unavailable presence, then its queue is re-routed (see fallback.ts). */
function end(session: Session, reason: string): void {
  if (!session.detached) return;
  session.closeReason ??= reason;
  session.close();
}
