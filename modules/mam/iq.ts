/**
 * The archive's IQs on the account's own bare JID: queries, the query form, metadata and
 * preferences. Anyone else addressing an account's archive gets forbidden.
 *
 * Results go only to the resource that asked (straight to its session), each page written with
 * the same backpressure offline delivery uses, and the <fin/> after the last of them.
 *
 * References:
 * - XEP-0313 §4 (iq set <query queryid/>: results, then the IQ result), §4.1.5 (iq get <query/>:
 *   the form), §4.3.4 (<flip-page/>), §5 (iq get <metadata/>), §8.1 (others: forbidden),
 *   §4.1.3/§4.3.2 (unknown ids: item-not-found), §6.1.3 (the 'node' attribute is for pubsub
 *   archives, which an account does not have)
 * - XEP-0441 §2.1 (iq get/set <prefs/>)
 */
import type { Element } from "ltx";
import { StanzaError, stanzaError, StorageError } from "../../lib/errors";
import type { ModuleContext } from "../../lib/module-host/define";
import type { IqEvent } from "../../lib/router";
import { ArchiveKeyNotFoundError } from "../../lib/storage/archive-query";
import type { ArchiveStore } from "../../lib/storage/types";
import type { Session } from "../../lib/stream/session";
import { findChild } from "../../lib/xml/element";
import { roomToWrite, stillOpen } from "../offline/backpressure";
import { blankQueryForm, parseQueryForm } from "./form";
import { NS_MAM } from "./ns";
import { parsePrefs, prefsElement } from "./prefs";
import type { PrefsStore } from "./prefs-store";
import { QueryLimits, runQuery } from "./query";
import type { ArchivedMessage } from "./record";
import { finElement, metadataElement, readItem, resultMessage } from "./results";
import { parsePageRequest } from "./rsm";

/** After this much XML the results wait for the client's socket to drain (see modules/offline/backpressure.ts). */
const CHUNK_CHARS = 256 * 1024;
/** Longest queryid echoed back: it only has to tell a client's queries apart. */
const MAX_QUERYID = 256;
/** Most JIDs in each preference list. */
export const MAX_PREF_JIDS = 1000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Storage trouble is worth retrying; an unknown id is the client's mistake. */
function asStanzaError(err: unknown): unknown {
  if (err instanceof ArchiveKeyNotFoundError) return stanzaError("item-not-found", "No such item in the archive");
  if (err instanceof StorageError) return new StanzaError("wait", "internal-server-error", "The archive is unavailable");
  return err;
}

async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw asStanzaError(err);
  }
}

export interface IqDeps {
  store: ArchiveStore<ArchivedMessage>;
  prefs: PrefsStore;
  limits: QueryLimits;
}

export function installIqs(mod: ModuleContext, d: IqDeps): void {
  const { store, prefs, limits } = d;

  /** Writes the result messages; false when the session went away or stopped reading. */
  const sendAll = async (session: Session, messages: Element[], sizes: number[]): Promise<boolean> => {
    let chars = 0;
    for (let i = 0; i < messages.length; i++) {
      if (!stillOpen(session)) return false;
      session.send(messages[i]);
      chars += sizes[i];
      if (chars >= CHUNK_CHARS && i < messages.length - 1) {
        chars = 0;
        await nextTurn();
        if (!(await roomToWrite(session))) return false;
      }
    }
    return true;
  };

  mod.iq.set("self", NS_MAM, "query", async ({ origin, stanza, payload, from }: IqEvent) => {
    if (!origin?.jid) return undefined;
    if (payload.attrs.node !== undefined) throw stanzaError("item-not-found", "An account's archive has no nodes");
    const queryid = payload.attrs.queryid as string | undefined;
    if (queryid !== undefined && queryid.length > MAX_QUERYID) throw stanzaError("bad-request", "queryid is too long");
    const filter = parseQueryForm(payload, limits.hardMax);
    const page = parsePageRequest(payload);
    const user = from.local;
    const result = await guarded(() => runQuery(store, user, filter, page, limits));

    const addr = { to: from.toString(), from: stanza.attrs.to as string | undefined, queryid };
    const ordered = findChild(payload, "flip-page", NS_MAM) ? [...result.items].reverse() : result.items;
    const messages = ordered.map((item) =>
      resultMessage(addr, item, readItem(item, (err) => mod.log.error("an archived message cannot be read back; sending its id only", { user, key: item.key, err: err as Error }))),
    );
    if (!(await sendAll(origin, messages, ordered.map((i) => i.value.xml.length)))) {
      if (!stillOpen(origin)) return true;
      throw stanzaError("resource-constraint", "The results were not being read");
    }
    return finElement(result);
  });

  mod.iq.get("self", NS_MAM, "query", () => blankQueryForm());

  mod.iq.get("self", NS_MAM, "metadata", ({ from }: IqEvent) =>
    guarded(async () => {
      const [first] = await store.find(from.local, { limit: 1 });
      const [last] = await store.find(from.local, { limit: 1, reverse: true });
      return metadataElement(first, last);
    }),
  );

  mod.iq.get("self", NS_MAM, "prefs", ({ from }: IqEvent) => guarded(async () => prefsElement(await prefs.get(from.local))));

  mod.iq.set("self", NS_MAM, "prefs", ({ from, payload }: IqEvent) =>
    guarded(async () => {
      const p = parsePrefs(payload, MAX_PREF_JIDS);
      await prefs.set(from.local, p);
      return prefsElement(p);
    }),
  );

  // XEP-0313 §8.1: an archive is its owner's alone; the same answer whether the account exists or not.
  const forbidden = () => {
    throw stanzaError("forbidden", "Only the account's owner may use its archive");
  };
  for (const name of ["query", "metadata", "prefs"]) {
    mod.iq.get("bare", NS_MAM, name, forbidden);
    mod.iq.set("bare", NS_MAM, name, forbidden);
  }
}
