/** Per-session presence state, kept on the session by the presence module and read by others. */
import type { Element } from "ltx";
import type { Session } from "../../lib/stream/session";
import type { SessionRegistry } from "../../lib/sessions";

export interface PresenceState {
  /** The last available presence broadcast by this resource (undefined before initial presence). */
  last?: Element;
  /** When `last` was sent, in ms since the epoch (for XEP-0203 delay on probe answers). */
  since?: number;
  priority: number;
  /**
   * Full JIDs this resource sent directed available presence to (RFC 6121 §4.6). Created on first
   * use: most sessions never send directed presence, and an empty Set is 150 bytes per connection.
   */
  directed?: Set<string>;
}

const KEY = "presence";

export function presenceState(session: Session): PresenceState {
  let s = session.data.get(KEY) as PresenceState | undefined;
  if (!s) session.data.set(KEY, (s = { priority: 0 }));
  return s;
}

export function isAvailable(session: Session): boolean {
  return (session.data.get(KEY) as PresenceState | undefined)?.last !== undefined && !session.closed;
}

export function availableResources(sessions: SessionRegistry, host: string, local: string): Session[] {
  return sessions.resources(host, local).filter(isAvailable);
}

/** RFC 6121 §8.5.2.1.1: the available resources with the highest non-negative priority. */
export function preferredResources(sessions: SessionRegistry, host: string, local: string): Session[] {
  let best = -1;
  let out: Session[] = [];
  for (const s of availableResources(sessions, host, local)) {
    const p = presenceState(s).priority;
    if (p < 0) continue;
    if (p > best) {
      best = p;
      out = [s];
    } else if (p === best) out.push(s);
  }
  return out;
}
