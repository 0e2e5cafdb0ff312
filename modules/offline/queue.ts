/**
 * An account's offline message queue over an ArchiveStore: store with a quota, deliver in order
 * to one live session, delete what was written.
 *
 * Durability (reliability.md §6): a message counts as stored once `append` resolved, which for
 * SQLite means its transaction committed; only then does the caller report it accepted (D1).
 * Rows are deleted only after their page was written to the session (D3): "written" means the
 * session's output queue was flushed into socket.write() and the session (and its socket, where
 * visible) was still open one event-loop turn later. A session that closes meanwhile keeps the whole page stored, so the
 * next login may see duplicates (at-least-once, D4) but never a gap. Bytes the kernel accepted
 * for a client that then vanishes are lost: without XEP-0198 acks there is nothing better to wait
 * for, and D3 accepts that window for clients without stream management.
 *
 * References:
 * - XEP-0160 §2 (store when no resource has non-negative priority; full queue: service-unavailable;
 *   deliver to the resource that sent non-negative available presence)
 */
import type { Logger } from "../../lib/log";
import type { ArchiveStore } from "../../lib/storage/types";
import type { Session } from "../../lib/stream/session";
import type { Element } from "ltx";
import { decodeMessage, encodeMessage, StoredMessage, UnreadableMessageError } from "./codec";
import { roomToWrite, stillOpen } from "./backpressure";
import { addOfflineDelay } from "./delay";
import { KeyedSerial } from "./serial";

/** Rows read and written per round: bounds memory and the burst handed to one socket. */
const PAGE = 50;
/** A page also ends once this much XML was written (at least one message goes out per page). */
const PAGE_CHARS = 256 * 1024;

export interface OfflineQueueOptions {
  host: string;
  maxMessages: number;
  log: Logger;
  /** Resolves once output queued on a session has been handed to its socket. */
  flushed?: () => Promise<void>;
  /** Between pages: false stops the delivery (the rest stays stored). */
  room?: (session: Session) => Promise<boolean>;
}

// Session.send() queues and flushes on process.nextTick; setImmediate runs after that tick.
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class OfflineQueue {
  private readonly serial = new KeyedSerial();
  private readonly flushed: () => Promise<void>;
  private readonly room: (session: Session) => Promise<boolean>;

  constructor(
    private readonly archive: ArchiveStore<StoredMessage>,
    private readonly o: OfflineQueueOptions,
  ) {
    this.flushed = o.flushed ?? nextTurn;
    this.room = o.room ?? ((session) => roomToWrite(session));
  }

  /** "full" when the account already holds maxMessages; storage failures reject. */
  store(user: string, stanza: Element, senderBare: string, when = new Date()): Promise<"stored" | "full"> {
    const value = encodeMessage(stanza);
    return this.serial.run(user, async () => {
      if ((await this.archive.count(user, { limit: this.o.maxMessages })) >= this.o.maxMessages) return "full";
      await this.archive.append(user, null, value, when, senderBare);
      return "stored";
    });
  }

  /** Delivers the account's stored messages, oldest first, to one session; resolves to how many were written. */
  deliver(user: string, session: Session): Promise<number> {
    return this.serial.run(user, async () => {
      let written = 0;
      while (stillOpen(session)) {
        const items = await this.archive.find(user, { limit: PAGE });
        if (items.length === 0) break;
        const done: string[] = [];
        const unreadable: string[] = [];
        let chars = 0;
        for (const item of items) {
          if (!stillOpen(session) || chars >= PAGE_CHARS) break;
          let stanza: Element;
          try {
            stanza = decodeMessage(item.value);
          } catch (err) {
            if (!(err instanceof UnreadableMessageError)) throw err;
            this.o.log.error("dropping an offline message that cannot be read back", { user, key: item.key, err, value: JSON.stringify(item.value) });
            unreadable.push(item.key);
            continue;
          }
          session.send(addOfflineDelay(stanza, this.o.host, item.when));
          done.push(item.key);
          chars += item.value.xml.length;
        }
        await this.flushed();
        // An unreadable row can never be delivered; left in place it would block the queue forever.
        if (unreadable.length) await this.archive.delete(user, { ids: unreadable });
        if (!stillOpen(session)) {
          this.o.log.info("session closed during offline delivery; its messages stay stored", { user, session: session.id, page: done.length });
          break;
        }
        if (done.length) await this.archive.delete(user, { ids: done });
        written += done.length;
        if (!(await this.room(session))) {
          if (!session.closed) this.o.log.info("client is not reading; the rest of its offline messages waits for the next presence", { user, session: session.id });
          break;
        }
      }
      return written;
    });
  }

  count(user: string): Promise<number> {
    return this.archive.count(user);
  }
}
