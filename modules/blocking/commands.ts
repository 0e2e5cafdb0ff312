/**
 * The blocking command: retrieve, block, unblock, unblock all; pushes to interested resources.
 *
 * References:
 * - XEP-0191 §3.2 (blocklist retrieval; the resource becomes interested in pushes)
 * - XEP-0191 §3.3 (block: at least one item, else bad-request; result, then a push to every resource
 *   that requested the blocklist)
 * - XEP-0191 §3.4 (unblock items), §3.5 (empty <unblock/>: unblock all)
 */
import type { Element } from "ltx";
import { randomBytes } from "node:crypto";
import { stanzaError } from "../../lib/errors";
import { JID, tryParseJid } from "../../lib/jid";
import type { ModuleContext } from "../../lib/module-host/define";
import { childElements, el } from "../../lib/stanza";
import { NS } from "../../lib/xml/ns";
import { presenceOnBlock, presenceOnUnblock } from "./presence";
import type { BlocklistStore } from "./store";

const INTERESTED = "blocking:requested";

export interface BlocklistChangedEvent {
  user: string;
  added: string[];
  removed: string[];
}

function items(jids: Iterable<string>): Element[] {
  return [...jids].map((jid) => el("item", { jid }));
}

/** The <item jid=.../> children, prepared; a missing or malformed address fails the whole command. */
function parseItems(payload: Element): JID[] {
  const out: JID[] = [];
  for (const child of childElements(payload)) {
    if (child.name !== "item") continue;
    const raw = child.attrs.jid as string | undefined;
    if (raw === undefined) throw stanzaError("bad-request", "An item needs a 'jid'");
    const jid = tryParseJid(raw);
    if (!jid) throw stanzaError("jid-malformed", `Not a valid JID: ${raw.slice(0, 100)}`);
    out.push(jid);
  }
  return out;
}

export function installCommands(mod: ModuleContext, store: BlocklistStore, maxItems: number, exempt: WeakSet<Element>): void {
  const host = mod.host!;
  const sessions = mod.server.sessions;

  const push = (user: string, command: () => Element) => {
    for (const s of sessions.resources(host.name, user)) {
      if (!s.data.get(INTERESTED) || !s.jid || s.closed) continue;
      s.send(el("iq", { type: "set", id: `push-${randomBytes(6).toString("hex")}`, to: s.jid.toString() }, command()));
    }
  };

  const changed = (user: string, before: ReadonlySet<string>, after: ReadonlySet<string>) => {
    const event: BlocklistChangedEvent = {
      user,
      added: [...after].filter((j) => !before.has(j)),
      removed: [...before].filter((j) => !after.has(j)),
    };
    void host.events.fire("blocklist-changed", event);
    return event;
  };

  mod.iq.get("self", NS.BLOCKING, "blocklist", async ({ to, origin }) => {
    origin?.data.set(INTERESTED, true);
    return el("blocklist", { xmlns: NS.BLOCKING }, ...items(await store.get(to.local)));
  });

  mod.iq.set("self", NS.BLOCKING, "block", async ({ to, payload }): Promise<true> => {
    const jids = parseItems(payload);
    if (jids.length === 0) throw stanzaError("bad-request", "Block at least one JID");
    const [before, after] = await store.update(to.local, (current) => {
      const next = new Set(current);
      for (const j of jids) next.add(j.toString());
      if (next.size > maxItems && next.size > current.size) throw stanzaError("not-allowed", `A blocklist holds at most ${maxItems} JIDs`);
      return next;
    });
    const { added } = changed(to.local, before, after);
    if (added.length) presenceOnBlock(mod, to.local, jids.filter((j) => added.includes(j.toString())), exempt);
    push(to.local, () => el("block", { xmlns: NS.BLOCKING }, ...items(jids.map(String))));
    return true;
  });

  mod.iq.set("self", NS.BLOCKING, "unblock", async ({ to, payload }): Promise<true> => {
    const jids = parseItems(payload);
    const all = jids.length === 0;
    const [before, after] = await store.update(to.local, (current) => {
      if (all) return new Set();
      const next = new Set(current);
      for (const j of jids) next.delete(j.toString());
      return next;
    });
    const { removed } = changed(to.local, before, after);
    presenceOnUnblock(mod, to.local, removed.map((j) => tryParseJid(j)).filter((j): j is JID => j !== undefined));
    push(to.local, () => el("unblock", { xmlns: NS.BLOCKING }, ...(all ? [] : items(jids.map(String)))));
    return true;
  });
}
