/**
 * Error replies from a room for presence and messages (IQ errors are thrown and answered by the
 * router).
 *
 * References:
 * - XEP-0045 §7.2.5–§7.2.10 (presence errors carry the MUC <x/> and an error 'by' the room)
 * - RFC 6120 §8.3.1 (never answer an error), §8.3.2 ('by' names the entity that generated it)
 */
import type { Element } from "ltx";
import { StanzaError, stanzaError, type StanzaErrorCondition, type StanzaErrorType } from "../../lib/errors";
import { canReplyWithError, el, errorReply } from "../../lib/stanza";
import { findChild } from "../../lib/xml/element";
import type { MucContext } from "./context";
import { MUC } from "./ns";

export function mucError(condition: StanzaErrorCondition, text?: string, type?: StanzaErrorType): StanzaError {
  return type ? new StanzaError(type, condition, text) : stanzaError(condition, text);
}

/** Answers a presence or message with an error from the address it was sent to. */
export function bounce(ctx: MucContext, stanza: Element, err: StanzaError, room?: string): void {
  if (!canReplyWithError(stanza)) return;
  const reply = errorReply(stanza, err);
  const error = findChild(reply, "error");
  if (error && room) error.attrs.by = room;
  if (stanza.name === "presence") {
    const x = el("x", { xmlns: MUC.BASE });
    x.parent = reply;
    reply.children.unshift(x);
  }
  ctx.send(reply);
}
