/**
 * Deciding and writing one archive entry: policy (type, body, hints), then the account's
 * preferences, then the append. Callers add the stanza-id with the key they get back.
 *
 * References:
 * - XEP-0313 §3 (what an entry holds), §6.1.1 (what a user archive stores)
 * - XEP-0441 §2.3 (preferences decide per contact)
 */
import type { Element } from "ltx";
import type { JID } from "../../lib/jid";
import type { ArchiveStore } from "../../lib/storage/types";
import { shouldArchive } from "./policy";
import { prefsAllow } from "./prefs";
import type { PrefsStore } from "./prefs-store";
import { ArchivedMessage, toRecord } from "./record";

export interface ArchiverDeps {
  store: ArchiveStore<ArchivedMessage>;
  prefs: PrefsStore;
  /** Whether `bare` is in the user's roster (for default='roster'). */
  inRoster(user: string, bare: string): Promise<boolean>;
}

export class Archiver {
  constructor(private readonly d: ArchiverDeps) {}

  /**
   * Archives `stanza` in `user`'s archive when policy and preferences allow; resolves to the
   * archive id, or undefined when it was not archived. Storage failures reject.
   */
  async archive(user: string, stanza: Element, peer: JID, when = new Date()): Promise<string | undefined> {
    if (!shouldArchive(stanza)) return undefined;
    const prefs = await this.d.prefs.get(user);
    if (!(await prefsAllow(prefs, peer, (bare) => this.d.inRoster(user, bare)))) return undefined;
    // 'with' holds the bare JID: the store matches it exactly, and bare-JID queries are the common case.
    return this.d.store.append(user, null, toRecord(stanza, peer), when, peer.bare.toString());
  }
}
