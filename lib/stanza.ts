/**
 * Stanza constructors and replies.
 *
 * References:
 * - RFC 6120 §8.2.3 (IQ semantics), §8.3 (stanza errors): never answer an error or a result.
 */
import { Element } from "ltx";
import { StanzaError, StreamError } from "./errors";
import { NS } from "./xml/ns";
import { childElements, el, getText as xmlGetText } from "./xml/element";

export { el, childElements, cloneElement } from "./xml/element";
export type { Child } from "./xml/element";

/** Swaps to/from and keeps id and type-independent attributes for a reply. */
function replyEnvelope(stanza: Element, type: string): Element {
  return el(stanza.name, { xmlns: stanza.attrs.xmlns, to: stanza.attrs.from, from: stanza.attrs.to, id: stanza.attrs.id, type });
}

export function iqResult(iq: Element, payload?: Element): Element {
  if (iq.name !== "iq" || (iq.attrs.type !== "get" && iq.attrs.type !== "set")) throw new Error("iqResult: not an iq get/set");
  const reply = replyEnvelope(iq, "result");
  if (payload) {
    reply.children.push(payload);
    payload.parent = reply;
  }
  return reply;
}

export function errorElement(err: StanzaError): Element {
  const e = el("error", { type: err.type, by: undefined }, el(err.condition, { xmlns: NS.STANZAS_ERR }));
  if (err.text) e.children.push(el("text", { xmlns: NS.STANZAS_ERR }, err.text));
  if (err.app) e.children.push(el(err.app.name, { xmlns: err.app.xmlns }));
  for (const c of childElements(e)) c.parent = e;
  return e;
}

/** RFC 6120 §8.3.1: the error reply carries the original payload is optional; we omit it for IQs. */
export function errorReply(stanza: Element, err: StanzaError): Element {
  if (stanza.attrs.type === "error") throw new Error("errorReply: refusing to answer an error with an error");
  if (stanza.name === "iq" && stanza.attrs.type === "result") throw new Error("errorReply: refusing to answer an iq result");
  const reply = replyEnvelope(stanza, "error");
  const e = errorElement(err);
  reply.children.push(e);
  e.parent = reply;
  return reply;
}

/** True when a stanza may be answered with an error (it is not itself an error or an IQ result). */
export function canReplyWithError(stanza: Element): boolean {
  const t = stanza.attrs.type;
  return t !== "error" && !(stanza.name === "iq" && t === "result");
}

export function streamErrorElement(err: StreamError): Element {
  const e = el("stream:error", {}, el(err.condition, { xmlns: NS.STREAMS_ERR }));
  if (err.text) e.children.push(el("text", { xmlns: NS.STREAMS_ERR }, err.text));
  if (err.app) e.children.push(el(err.app.name, { xmlns: err.app.xmlns }));
  for (const c of childElements(e)) c.parent = e;
  return e;
}

/** Text of an element, "" when it is absent. */
export function getText(e: Element | undefined): string {
  return e ? xmlGetText(e) : "";
}
