/** Dialback error payloads and small helpers shared by the inbound and outbound handlers. */
import type { Element } from "ltx";
import type { StanzaErrorCondition, StanzaErrorType } from "../../lib/errors";
import { tryParseJid } from "../../lib/jid";
import { el } from "../../lib/stanza";
import type { StreamHeader } from "../../lib/xml/parser";
import { NS } from "../../lib/xml/ns";

/** The <error/> child of a type='error' dialback element (XEP-0220 §2.4.2). */
export function dialbackError(type: StanzaErrorType, condition: StanzaErrorCondition): Element {
  return el("error", { type }, el(condition, { xmlns: NS.STANZAS_ERR }));
}

/** The stanza error condition inside a type='error' dialback element. */
export function dialbackErrorCondition(element: Element): StanzaErrorCondition {
  const error = element.getChild("error");
  const c = error?.children.find((x) => typeof x !== "string" && x.attrs.xmlns === NS.STANZAS_ERR && x.name !== "text");
  return (typeof c === "object" ? c.name : "undefined-condition") as StanzaErrorCondition;
}

/** A bare domain from a dialback 'from'/'to', normalized; undefined when it is anything else. */
export function domainAttr(value: unknown): string | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  const jid = tryParseJid(value);
  return jid && !jid.local && !jid.resource ? jid.domain : undefined;
}

/** RFC 3920-style dialback support: the namespace declared on the peer's stream header. */
export function headerDeclaresDialback(header: StreamHeader | undefined): boolean {
  return header !== undefined && Object.values(header.prefixes).includes(NS.DIALBACK);
}
