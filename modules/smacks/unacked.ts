/**
 * Outbound stanzas the client has not acknowledged yet, oldest first, with the 'h' of the last
 * acknowledged one. Acknowledgements never re-order or skip: an ack removes a prefix.
 *
 * References:
 * - XEP-0198 §4 (acks cover every stanza up to h; an h beyond what was sent is an error),
 *   §8.1 (the sender keeps each stanza until an ack covers it)
 */
import type { Element } from "ltx";
import { addH, distanceH } from "./counter";

export interface Unacked {
  stanza: Element;
  /** When it was first handed to the session: the delay stamp if it has to go elsewhere. */
  queuedAt: Date;
}

export type AckResult = { ok: true; removed: number } | { ok: false; sendCount: number };

export class UnackedQueue {
  private items: Unacked[] = [];
  /** The h the peer last acknowledged. */
  private ackedH = 0;

  get length(): number {
    return this.items.length;
  }

  get acked(): number {
    return this.ackedH;
  }

  /** The h of the newest stanza sent, which is what a complete ack would say. */
  get sent(): number {
    return addH(this.ackedH, this.items.length);
  }

  push(stanza: Element, queuedAt = new Date()): void {
    this.items.push({ stanza, queuedAt });
  }

  /** Applies the peer's h; an h ahead of what we sent changes nothing and reports our count. */
  ack(h: number): AckResult {
    const n = distanceH(h, this.ackedH);
    if (n > this.items.length) return { ok: false, sendCount: this.sent };
    this.items.splice(0, n);
    this.ackedH = h;
    return { ok: true, removed: n };
  }

  all(): readonly Unacked[] {
    return this.items;
  }

  /** Empties the queue, handing back what was in it. */
  takeAll(): Unacked[] {
    return this.items.splice(0);
  }
}
