/**
 * What each contact resource wants notifications for: the "+notify" features of its entity
 * capabilities, learnt by a disco#info query and cached by 'ver' once the answer hashes to it.
 *
 * References:
 * - XEP-0163 §2.5, §4.2 (filtered notifications: "+notify" features name the nodes of interest)
 * - XEP-0060 §9.2 (filtered notifications), §10.2
 * - XEP-0115 §6.2 (ask node#ver with disco#info), §5.4 (cache an answer globally only when it
 *   verifies; otherwise it speaks for the JID that gave it and nobody else)
 * - XEP-0115 §4 (legacy caps without 'hash': never cached)
 */
import type { Element } from "ltx";
import type { Logger } from "../../lib/log";
import { el } from "../../lib/stanza";
import { NS } from "../../lib/xml/ns";
import { findChild, findChildren } from "../../lib/xml/element";
import { supportedHash, verifies } from "./caps-hash";
import type { IqRequests } from "./iq-requests";

export interface CapsRef {
  node: string;
  ver: string;
  /** Absent for legacy (pre-1.5) caps. */
  hash?: string;
}

export type Interest = ReadonlySet<string>;

const NOTIFY = "+notify";

export function capsOf(presence: Element): CapsRef | undefined {
  const c = findChild(presence, "c", NS.CAPS);
  const node = c?.attrs.node as string | undefined;
  const ver = c?.attrs.ver as string | undefined;
  if (!node || !ver) return undefined;
  return { node, ver, hash: (c!.attrs.hash as string | undefined) || undefined };
}

export function sameCaps(a: CapsRef | undefined, b: CapsRef | undefined): boolean {
  return a?.node === b?.node && a?.ver === b?.ver && a?.hash === b?.hash;
}

export function notifyNodes(query: Element): Interest {
  const out = new Set<string>();
  for (const f of findChildren(query, "feature", NS.DISCO_INFO)) {
    const v = f.attrs.var as string | undefined;
    if (v && v.endsWith(NOTIFY) && v.length > NOTIFY.length) out.add(v.slice(0, -NOTIFY.length));
  }
  return out;
}

export class CapsResolver {
  /** hash/ver → interest; a Map in least-recently-used order. */
  private readonly cache = new Map<string, Interest>();
  private readonly inflight = new Map<string, Promise<Interest | undefined>>();

  constructor(
    private readonly iq: IqRequests,
    private readonly maxEntries: number,
    private readonly log: Logger,
  ) {}

  /** The interest of the resource `full`, asking it (from `askFrom`) unless its 'ver' is known. */
  async interest(caps: CapsRef, askFrom: string, full: string): Promise<Interest | undefined> {
    if (!caps.hash || !supportedHash(caps.hash)) return (await this.ask(caps, askFrom, full))?.interest;
    const key = `${caps.hash}/${caps.ver}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const shared = this.inflight.get(key);
    if (shared) {
      // Another resource's answer that did not verify says nothing about this one: ask it.
      return (await shared) ?? (await this.ask(caps, askFrom, full))?.interest;
    }
    const mine = this.ask(caps, askFrom, full);
    const verified = mine.then((r) => (r?.verified ? r.interest : undefined));
    this.inflight.set(key, verified);
    try {
      return (await mine)?.interest;
    } finally {
      this.inflight.delete(key);
    }
  }

  private async ask(caps: CapsRef, askFrom: string, full: string): Promise<{ interest: Interest; verified: boolean } | undefined> {
    const reply = await this.iq.get(askFrom, full, el("query", { xmlns: NS.DISCO_INFO, node: `${caps.node}#${caps.ver}` }));
    const query = reply ? findChild(reply, "query", NS.DISCO_INFO) : undefined;
    if (!query) return undefined;
    const interest = notifyNodes(query);
    const verified = caps.hash !== undefined && verifies(query, caps.hash, caps.ver);
    if (!verified) this.log.debug("caps answer does not hash to its ver: used for that resource only", { from: full, ver: caps.ver, hash: caps.hash });
    else {
      this.cache.set(`${caps.hash}/${caps.ver}`, interest);
      if (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    }
    return { interest, verified };
  }
}
