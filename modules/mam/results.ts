/**
 * What a query sends back: one <message/> per archived item to the querying resource, then the
 * IQ result's <fin/>.
 *
 * References:
 * - XEP-0313 §4.2 (<result queryid id> wrapping <forwarded/> with <delay stamp/> = when the
 *   archive received the message), §4.3.2 (<fin complete> with the RSM <set/>), §3.2 (an item
 *   whose message cannot be shown keeps its id and stamp; the <message/> is omitted)
 * - XEP-0297 (forwarding), XEP-0203 (delay), XEP-0082 §3.2 (DateTime)
 * - XEP-0059 §2.2 (an empty page: only <count/>)
 */
import { randomBytes } from "node:crypto";
import type { Element } from "ltx";
import { el } from "../../lib/stanza";
import type { ArchiveItem } from "../../lib/storage/types";
import { NS } from "../../lib/xml/ns";
import { UnreadableMessageError } from "../offline/codec";
import { NS_FORWARD, NS_MAM } from "./ns";
import type { QueryResult } from "./query";
import { ArchivedMessage, fromRecord } from "./record";
import { resultSet } from "./rsm";

export interface ResultAddress {
  /** The querying resource's full JID. */
  to: string;
  /** The archive as the client addressed it ('to' of the query), absent when it gave none. */
  from?: string;
  queryid?: string;
}

/** `message` is undefined when the stored row could not be read back. */
export function resultMessage(addr: ResultAddress, item: ArchiveItem<ArchivedMessage>, message: Element | undefined): Element {
  return el(
    "message",
    { to: addr.to, from: addr.from, id: randomBytes(9).toString("base64url") },
    el(
      "result",
      { xmlns: NS_MAM, queryid: addr.queryid, id: item.key },
      el("forwarded", { xmlns: NS_FORWARD }, el("delay", { xmlns: NS.DELAY, stamp: item.when.toISOString() }), message),
    ),
  );
}

/** Decodes an item's stanza, or undefined (reported through `onUnreadable`) for a damaged row. */
export function readItem(item: ArchiveItem<ArchivedMessage>, onUnreadable: (err: unknown) => void): Element | undefined {
  try {
    return fromRecord(item.value);
  } catch (err) {
    if (!(err instanceof UnreadableMessageError)) throw err;
    onUnreadable(err);
    return undefined;
  }
}

export function finElement(r: QueryResult): Element {
  const first = r.items[0];
  const last = r.items[r.items.length - 1];
  return el(
    "fin",
    { xmlns: NS_MAM, complete: r.complete ? "true" : "false" },
    resultSet({ first: first && { id: first.key, index: r.firstIndex }, last: last?.key, count: r.count }),
  );
}

/** XEP-0313 §5: the first and last item of the archive; an empty archive has neither. */
export function metadataElement(first: ArchiveItem<ArchivedMessage> | undefined, last: ArchiveItem<ArchivedMessage> | undefined): Element {
  const edge = (name: string, i: ArchiveItem<ArchivedMessage> | undefined) => i && el(name, { id: i.key, timestamp: i.when.toISOString() });
  return el("metadata", { xmlns: NS_MAM }, edge("start", first), edge("end", last));
}
