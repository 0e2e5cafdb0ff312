/** Per-session stream management state, kept in the session's data map. */
import type { Session, OutboundFilter } from "../../lib/stream/session";
import { UnackedQueue } from "./unacked";

export const NS_SM = "urn:xmpp:sm:3";
const KEY = "smacks";

export interface SmState {
  /** Inbound stanzas handled since <enable/>, mod 2^32: the h we report. */
  inbound: number;
  readonly queue: UnackedQueue;
  /** The SM-ID when the session may be resumed. */
  id?: string;
  /** How long the session may stay detached before it ends. */
  hibernationMs: number;
  /** An <r/> is out and not answered yet: one at a time is enough. */
  awaitingAck: boolean;
  requestScheduled: boolean;
  /** The session is being ended for exceeding the queue limit. */
  ending: boolean;
  hibernatedAt?: number;
  hibernationTimer?: NodeJS.Timeout;
  /** The outbound filter that queues stanzas; resends continue the chain after it. */
  filter: OutboundFilter;
  /** Removes the session hooks (filter, counter, keeper). */
  readonly undo: (() => void)[];
}

export function smState(session: Session): SmState | undefined {
  return session.data.get(KEY) as SmState | undefined;
}

export function setSmState(session: Session, state: SmState | undefined): void {
  if (state) session.data.set(KEY, state);
  else session.data.delete(KEY);
}
