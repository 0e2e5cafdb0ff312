/**
 * Event notifications: who gets them and what they look like. Recipients are the owner's
 * interested resources, its subscribers' interested resources the access model lets in, and
 * explicit subscribers; notifications come from the owner's bare JID.
 *
 * References:
 * - XEP-0163 §4 (who receives notifications), §4.3.1 (from the bare JID; to full JIDs when the
 *   service has presence, else the bare JID), §4.3.2 (one per resource; non-negative priority),
 *   §4.3.4 (the last published item, with XEP-0203 delay)
 * - XEP-0060 §7.1.2.1 (item notifications, with or without payload), §7.2.2.1 (retract),
 *   §8.4.2 (delete), §8.5.2 (purge), §12.20 (notification_type: headline by default)
 * - XEP-0191 (blocked contacts: their presence never reaches us, and the blocking module drops
 *   what we send them)
 */
import { randomUUID } from "node:crypto";
import type { Element } from "ltx";
import { tryParseJid } from "../../lib/jid";
import { cloneElement, el } from "../../lib/stanza";
import { NS } from "../../lib/xml/ns";
import { mayRead, RosterView } from "./access";
import type { NodeConfig } from "./config";
import type { PepContext } from "./context";
import { NS_PUBSUB_EVENT } from "./ns";
import type { Recipient, RecipientTable } from "./recipients";
import { itemPayload, NodeDoc, StoredItem } from "./store";

export function eventMessage(from: string, to: string, type: NodeConfig["notification_type"], content: Element, delayed?: number): Element {
  return el(
    "message",
    { from, to, type, id: randomUUID() },
    el("event", { xmlns: NS_PUBSUB_EVENT }, content),
    delayed !== undefined && el("delay", { xmlns: NS.DELAY, from, stamp: new Date(delayed).toISOString() }),
  );
}

export function itemsEvent(node: string, config: NodeConfig, items: StoredItem[]): Element {
  return el(
    "items",
    { node },
    ...items.map((i) => el("item", { id: i.id }, config.deliver_payloads ? itemPayload(i) : undefined)),
  );
}

export function retractEvent(node: string, ids: string[]): Element {
  return el("items", { node }, ...ids.map((id) => el("retract", { id })));
}

export class Notifier {
  constructor(
    private readonly ctx: PepContext,
    private readonly table: RecipientTable,
  ) {}

  /** Sends `content` (an <items/>, <delete/> or <purge/>) to everyone the node notifies. */
  async broadcast(owner: string, ownerJid: string, node: string, doc: NodeDoc, content: Element): Promise<void> {
    if (!doc.config.deliver_notifications) return;
    this.sendTo(ownerJid, await this.recipients(owner, ownerJid, node, doc), doc, content);
  }

  /** Sends `content` to recipients worked out earlier (a deleted node has none left to ask about). */
  sendTo(ownerJid: string, recipients: string[], doc: NodeDoc, content: Element): void {
    if (!doc.config.deliver_notifications) return;
    for (const to of recipients) this.ctx.send(eventMessage(ownerJid, to, doc.config.notification_type, cloneElement(content)));
  }

  async recipients(owner: string, ownerJid: string, node: string, doc: NodeDoc): Promise<string[]> {
    const roster = new RosterView(this.ctx.host, owner);
    const out = new Set<string>();
    const covered = new Set<string>();
    for (const r of this.table.of(owner)) {
      if (!r.interest.has(node)) continue;
      if (r.own || (r.priority >= 0 && (await mayRead(doc.config, r.bare, roster)))) {
        out.add(r.full);
        covered.add(r.bare);
      }
    }
    for (const sub of doc.subscribers) {
      const jid = tryParseJid(sub);
      if (!jid || out.has(sub)) continue;
      const bare = jid.bare.toString();
      if (!jid.resource && covered.has(bare)) continue;
      if (bare === ownerJid || (await mayRead(doc.config, bare, roster))) out.add(sub);
    }
    return [...out];
  }

  /**
   * The last item of each named node the resource may see, as on a new subscription or a newly
   * available resource (XEP-0163 §4.3.3 item 2, §4.3.4).
   */
  async sendLast(owner: string, ownerJid: string, r: Pick<Recipient, "full" | "bare" | "own">, nodes: Iterable<string>, trigger: "presence" | "subscribe"): Promise<void> {
    const roster = new RosterView(this.ctx.host, owner);
    for (const node of nodes) {
      const doc = await this.ctx.store.get(owner, node);
      const last = doc?.items[doc.items.length - 1];
      if (!doc || !last || !doc.config.deliver_notifications) continue;
      const when = doc.config.send_last_published_item;
      if (when === "never" || (trigger === "presence" && when !== "on_sub_and_presence")) continue;
      if (!r.own && !(await mayRead(doc.config, r.bare, roster))) continue;
      this.ctx.send(eventMessage(ownerJid, r.full, doc.config.notification_type, itemsEvent(node, doc.config, [last]), last.at));
    }
  }
}
