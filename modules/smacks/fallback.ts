/**
 * What happens to stanzas the client never acknowledged once its session has ended for good:
 * they are treated as if sent to a resource that is not available, never silently dropped.
 *
 * Decisions:
 * - chat and normal messages follow the bare-JID rules: the account's other available resources,
 *   else offline storage, else an error to the sender. Delivery may repeat what a client saw
 *   without acknowledging it (at-least-once, reliability.md §6 D4).
 * - groupchat messages and IQ requests get a recipient-unavailable error (with the delay stamp),
 *   as Prosody's mod_smacks does and reliability.md §6 D2 asks.
 * - headline messages are dropped, as RFC 6121 §8.5.3.2.1 allows for an unavailable resource;
 *   so are presence stanzas (state, not content: contacts get the resource's unavailable),
 *   errors and IQ results (nothing may answer them), carbon copies (the original went to the
 *   resource it was for) and MAM query results (they stay in the archive).
 *
 * References:
 * - XEP-0198 §4 (before discarding session state, treat unacknowledged stanzas like stanzas to
 *   an unavailable resource: an error to the sender or offline storage)
 * - RFC 6121 §8.5.2 (bare JID), §8.5.3.2.1 (full JID of an unavailable resource)
 * - XEP-0160 §2 (offline storage), XEP-0203 §2 (delay)
 * - XEP-0280 §6 (carbons), XEP-0313 §5 (MAM results)
 */
import type { Element } from "ltx";
import { stanzaError } from "../../lib/errors";
import { makeJid, tryParseJid, type JID } from "../../lib/jid";
import type { StanzaEvent } from "../../lib/router";
import { canReplyWithError, cloneElement, errorReply } from "../../lib/stanza";
import type { Session } from "../../lib/stream/session";
import { childElements, nsOf } from "../../lib/xml/element";
import type { OfflineEvent } from "../message";
import { preferredResources } from "../presence/state";
import type { SmContext } from "./context";
import { withDelay } from "./delay";
import type { Unacked } from "./unacked";

const NS_CARBONS = "urn:xmpp:carbons:2";

export async function rerouteUnacked(ctx: SmContext, session: Session, items: Unacked[]): Promise<void> {
  const user = session.username;
  if (user === undefined) return;
  const account = makeJid(user, ctx.host.name);
  ctx.log.debug("re-routing unacknowledged stanzas", { session: session.id, count: items.length });
  // One at a time: offline storage keeps them in the order they were sent.
  for (const item of items) {
    try {
      await rerouteOne(ctx, account, item);
    } catch (err) {
      ctx.log.error("re-routing an unacknowledged stanza failed", { session: session.id, stanza: item.stanza.name, err: err as Error });
    }
  }
}

async function rerouteOne(ctx: SmContext, account: JID, { stanza, queuedAt }: Unacked): Promise<void> {
  const type = (stanza.attrs.type as string | undefined) ?? (stanza.name === "message" ? "normal" : undefined);
  if (stanza.name === "iq") {
    if (type === "get" || type === "set") bounce(ctx, stanza, queuedAt, account);
    return;
  }
  if (stanza.name !== "message" || type === "error" || type === "headline" || isCopy(stanza, account)) return;
  if (type === "chat" || type === "normal") {
    const delayed = withDelay(cloneElement(stanza), queuedAt, account.toString());
    const others = preferredResources(ctx.server.sessions, ctx.host.name, account.local);
    if (others.length > 0) {
      for (const s of others) s.send(delayed);
      return;
    }
    const from = tryParseJid(stanza.attrs.from as string | undefined);
    if (from) {
      const ev: OfflineEvent = { origin: undefined, stanza: delayed, host: ctx.host, to: account, from, kind: "bare" } satisfies StanzaEvent;
      await ctx.host.events.fire("message/offline/handle", ev);
      if (ev.stored) return;
    }
  }
  bounce(ctx, stanza, queuedAt, account);
}

function bounce(ctx: SmContext, stanza: Element, queuedAt: Date, account: JID): void {
  if (!canReplyWithError(stanza) || stanza.attrs.from === undefined || stanza.attrs.to === undefined) return;
  const reply = errorReply(stanza, stanzaError("recipient-unavailable", "The recipient's session ended before it received this"));
  ctx.send(withDelay(reply, queuedAt, account.toString()));
}

/** Copies of something delivered or kept elsewhere: carbons from the account itself, MAM results. */
function isCopy(stanza: Element, account: JID): boolean {
  return childElements(stanza).some((c) => {
    const ns = nsOf(c) ?? "";
    if (ns === NS_CARBONS && (c.name === "sent" || c.name === "received")) return stanza.attrs.from === account.toString();
    return c.name === "result" && ns.startsWith("urn:xmpp:mam:");
  });
}
