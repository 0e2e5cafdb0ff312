/**
 * The per-session outbound filter while a client is inactive: unimportant stanzas wait in a
 * bounded buffer; anything important flushes the buffer first and then goes out, so the order
 * of everything the client receives is the order the server sent it in (messages are never
 * reordered, and never wait behind the buffer).
 *
 * Decisions:
 * - The buffer flushes when it holds csi_queue_size stanzas (Prosody mod_csi_simple's default,
 *   256), on important traffic, on <active/>, and when the stream is resumed.
 * - Held stanzas are copies, so later changes by their sender cannot show up on the wire.
 * - Nothing is merged or dropped: a held presence is delivered late, not lost.
 *
 * References:
 * - XEP-0352 §4.2 (a stream begins active), §5.1 (in-order processing: flushing on <active/>
 *   happens before the next stanza from the client is processed)
 */
import type { Element } from "ltx";
import { cloneElement } from "../../lib/stanza";
import type { OutboundFilter, Session } from "../../lib/stream/session";
import { isImportant } from "./importance";

/** Above stream management's, so held stanzas are counted when they are really written. */
export const FILTER_PRIORITY = 100;

export class HeldStanzas {
  private held: Element[] = [];
  private remove: (() => void) | undefined;
  readonly filter: OutboundFilter = (stanza) => this.onOutbound(stanza);

  constructor(
    private readonly session: Session,
    private readonly max: number,
  ) {}

  get inactive(): boolean {
    return this.remove !== undefined;
  }

  get size(): number {
    return this.held.length;
  }

  /** Starts holding back unimportant stanzas. */
  hold(): void {
    this.remove ??= this.session.addOutboundFilter(this.filter, FILTER_PRIORITY);
  }

  /** Sends what was held and stops holding. */
  release(): void {
    this.flush();
    this.remove?.();
    this.remove = undefined;
  }

  /** Forgets what was held (the session is over; presence and chat states are not worth keeping). */
  discard(): void {
    this.held = [];
    this.remove?.();
    this.remove = undefined;
  }

  private onOutbound(stanza: Element): Element | undefined {
    if (isImportant(stanza)) {
      this.flush();
      return stanza;
    }
    this.held.push(cloneElement(stanza));
    if (this.held.length >= this.max) this.flush();
    return undefined;
  }

  private flush(): void {
    const held = this.held;
    this.held = [];
    for (const stanza of held) this.session.send(stanza, { after: this.filter });
  }
}
