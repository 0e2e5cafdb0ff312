/**
 * Message Archive Management for user archives: every chat or normal message with a body that a
 * local account sends or receives is kept in that account's archive, marked with a stanza-id on
 * delivery, and can be queried by its owner with filters and paging.
 *
 * Decisions:
 * - Archiving happens before delivery and waits for the write, so the id on a delivered message is
 *   already in the archive; a failed write still delivers the message, without an id (hooks.ts).
 * - Groupchat and headline messages are not archived (XEP-0313 §6.1.1 leaves them optional), so
 *   the groupchat field and features are not offered.
 * - A message the recipient's server later refuses (offline queue full, no such resource for a
 *   normal message) stays in the sender's archive, and in the recipient's if it had been archived:
 *   the archive records what was accepted for routing.
 * - Preferences follow XEP-0441 and are stored per account; 'roster' asks the roster module's
 *   store (modules/roster/service.ts), so a host without that module archives no one under 'roster'
 *   except the JIDs in the 'always' list.
 * - Retention (mam_archive_expiry) is off by default; see expiry.ts.
 *
 * References:
 * - XEP-0313 v1.1 §3 (archives, stanza-id), §4 (queries), §5 (metadata), §6 (business rules),
 *   §7 (discovery: mam:2 and mam:2#extended on the account's bare JID), §8 (security)
 * - XEP-0441 (preferences), XEP-0359 (stanza ids), XEP-0059 (RSM), XEP-0004 (data forms),
 *   XEP-0297 (forwarding), XEP-0334 (storage hints)
 */
import { opt } from "../../lib/config/options";
import { defineModule } from "../../lib/module-host/define";
import { Archiver } from "./archiver";
import { scheduleExpiry } from "./expiry";
import { installArchiving } from "./hooks";
import { installIqs } from "./iq";
import { NS_MAM, NS_MAM_EXTENDED, NS_SID } from "./ns";
import { DEFAULTS, Prefs } from "./prefs";
import { PrefsStore } from "./prefs-store";
import type { ArchivedMessage } from "./record";
import { rosterStoreOf } from "../roster/service";

/** Page size when a query names none (XEP-0313 §4.3.1 lets the server choose). */
const DEFAULT_PAGE = 50;

export default defineModule({
  name: "mam",
  summary: "XEP-0313: Message Archive Management for user archives, with XEP-0359 stanza ids and XEP-0441 preferences",
  implements: [
    { spec: "XEP-0313", version: "1.1.3", status: "complete", note: "user archives; groupchat messages are not archived" },
    { spec: "XEP-0359", version: "0.7.0", status: "complete", note: "stanza-id on archived messages; forged ids in our name removed" },
    { spec: "XEP-0441", version: "0.2.0", status: "complete" },
    { spec: "XEP-0334", version: "1.0.0", status: "partial", note: "store, no-store and no-permanent-store decide archiving" },
  ],
  scope: "host",
  options: {
    mam_default: opt.enum(DEFAULTS, "always", "Archiving for accounts that set no preferences (XEP-0441): always, never, or roster (only contacts in the roster)."),
    mam_max_page: opt.integer(250, "Most messages one archive query returns per page, whatever the client asks for.", { min: 1, max: 10_000 }),
    mam_archive_expiry: opt.duration("0s", 'Delete archived messages older than this (e.g. "30d"); 0 keeps them forever.'),
  },
  async setup(mod) {
    const host = mod.host!;
    const store = mod.storage.archive<ArchivedMessage>("mam");
    const prefs = new PrefsStore(mod.storage.keyval<Prefs>("mam_prefs"), mod.options.mam_default);
    const inRoster = async (user: string, bare: string) => (await rosterStoreOf(host)?.read(user))?.items.has(bare) ?? false;
    const archiver = new Archiver({ store, prefs, inRoster });
    const hardMax = mod.options.mam_max_page;

    installArchiving(mod, archiver);
    installIqs(mod, { store, prefs, limits: { defaultMax: Math.min(DEFAULT_PAGE, hardMax), hardMax } });
    mod.hook<{ user: string }>("user-deleted", ({ user }) => {
      // Storage already removed the account's archive and preferences (StorageDriver.deleteUser).
      prefs.forget(user);
      return undefined;
    });
    if (mod.options.mam_archive_expiry > 0) scheduleExpiry(mod, store, mod.options.mam_archive_expiry);

    try {
      await store.count("");
    } catch (err) {
      // XEP-0313 §6.1: advertise the archive only where it really exists.
      mod.log.error("archive storage is not usable; not advertising MAM", { err: err as Error });
      return;
    }
    mod.disco.addAccountFeature(NS_MAM);
    mod.disco.addAccountFeature(NS_MAM_EXTENDED);
    mod.disco.addAccountFeature(NS_SID);
    mod.disco.addFeature(NS_SID);
  },
});
