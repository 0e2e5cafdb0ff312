/**
 * Resumable sessions of one host, by account and SM-ID, and the final h of recently ended ones.
 * Lookups always go through the account that asks, so an SM-ID of another account is simply not
 * found (reliability.md AUTH-16; XEP-0198 §9: only the same entity may resume a session).
 *
 * References:
 * - XEP-0198 §5 (an unknown or timed-out previd gets <failed/> with item-not-found, which MAY carry
 *   the h of the session that timed out), §9 (security)
 */
import type { Session } from "../../lib/stream/session";

export class ResumableSessions {
  /** account → SM-ID → session. Maps only: localparts are attacker-chosen strings. */
  private readonly live = new Map<string, Map<string, Session>>();
  /** account → SM-ID → final inbound h, oldest first. */
  private readonly ended = new Map<string, Map<string, number>>();

  constructor(private readonly maxEndedPerAccount: number) {}

  add(user: string, id: string, session: Session): void {
    let ids = this.live.get(user);
    if (!ids) this.live.set(user, (ids = new Map()));
    ids.set(id, session);
  }

  get(user: string, id: string): Session | undefined {
    return this.live.get(user)?.get(id);
  }

  /** Forgets the session under that id, remembering its final h for a late resume attempt. */
  end(user: string, id: string, session: Session, finalH: number): void {
    const ids = this.live.get(user);
    if (ids?.get(id) !== session) return;
    ids.delete(id);
    if (ids.size === 0) this.live.delete(user);
    let old = this.ended.get(user);
    if (!old) this.ended.set(user, (old = new Map()));
    old.set(id, finalH);
    while (old.size > this.maxEndedPerAccount) old.delete(old.keys().next().value as string);
  }

  /** The final h of an ended session, once: after that the id is unknown. */
  takeEndedH(user: string, id: string): number | undefined {
    const old = this.ended.get(user);
    const h = old?.get(id);
    if (h !== undefined) {
      old!.delete(id);
      if (old!.size === 0) this.ended.delete(user);
    }
    return h;
  }

  /** The account's resumable sessions that have no connection now. */
  detached(user: string): Session[] {
    return [...(this.live.get(user)?.values() ?? [])].filter((s) => s.detached);
  }

  all(): Session[] {
    const out: Session[] = [];
    for (const ids of this.live.values()) out.push(...ids.values());
    return out;
  }
}
