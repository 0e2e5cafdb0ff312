/**
 * Presence reaching an account keeps its PEP service's recipient table current: who is available,
 * with which priority and which entity capabilities; and a resource that becomes available, or
 * shows interest in a node for the first time, gets that node's last item.
 *
 * References:
 * - XEP-0163 §2.4 and §4 (the service learns from presence: auto-subscribe for contacts with a
 *   subscription 'from' or 'both'; the owner's own resources always)
 * - XEP-0163 §4.3.3 item 2, §4.3.4 (initial presence with interest: send the last published item)
 * - XEP-0115 §6.2 (resolve caps with disco#info, asked from the account's bare JID)
 */
import type { Element } from "ltx";
import type { JID } from "../../lib/jid";
import { parsePriority } from "../presence/broadcast";
import { isSubscriber, rosterStoreOf } from "../roster/service";
import { CapsResolver, capsOf, sameCaps } from "./caps";
import type { PepContext } from "./context";
import type { Notifier } from "./notify";
import { NO_INTEREST, Recipient, RecipientTable } from "./recipients";

export class PresenceWatch {
  constructor(
    private readonly ctx: PepContext,
    private readonly table: RecipientTable,
    private readonly caps: CapsResolver,
    private readonly notifier: Notifier,
  ) {}

  /** Available presence from the full JID `from` reached `owner` (its own broadcast when `own`). */
  available(owner: string, ownerJid: JID, from: JID, presence: Element, own: boolean): void {
    const full = from.toString();
    const prev = this.table.get(owner, full);
    const caps = capsOf(presence);
    const known = prev !== undefined && sameCaps(prev.caps, caps);
    const r: Recipient = { full, bare: from.bare.toString(), own, priority: parsePriority(presence), caps, interest: known ? prev.interest : NO_INTEREST };
    if (!this.table.set(owner, r) || known) return;
    this.learn(owner, ownerJid.toString(), r, prev?.interest ?? NO_INTEREST).catch((err: unknown) =>
      this.ctx.log.warn("PEP interest not learnt", { owner, from: full, err: err as Error }),
    );
  }

  unavailable(owner: string, from: JID): void {
    if (from.resource) {
      this.table.remove(owner, from.toString());
      return;
    }
    // From a bare JID: none of its resources is available any more.
    const bare = from.toString();
    for (const r of this.table.of(owner)) if (r.bare === bare) this.table.remove(owner, r.full, r);
  }

  private async learn(owner: string, ownerJid: string, r: Recipient, before: ReadonlySet<string>): Promise<void> {
    if (!r.own && !isSubscriber(await rosterStoreOf(this.ctx.host)?.read(owner), r.bare)) {
      // Presence from someone without a subscription earns no notifications (XEP-0163 §4).
      this.table.remove(owner, r.full);
      return;
    }
    if (!r.caps) return;
    const interest = await this.caps.interest(r.caps, ownerJid, r.full);
    // A newer presence of the same resource may have replaced the entry; same caps, same answer.
    const current = this.table.get(owner, r.full);
    if (!interest || !current || !sameCaps(current.caps, r.caps)) return;
    current.interest = interest;
    const fresh = [...interest].filter((n) => !before.has(n));
    if (fresh.length > 0 && (current.own || current.priority >= 0)) await this.notifier.sendLast(owner, ownerJid, current, fresh, "presence");
  }
}
