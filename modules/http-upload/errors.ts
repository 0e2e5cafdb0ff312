/**
 * The upload service's errors that carry more than a condition: file-too-large with the limit,
 * and the quota's retry time. StanzaError's application condition is an empty element, so these
 * carry their detail element and the service builds their replies itself.
 *
 * References:
 * - XEP-0363 §5 (not-acceptable + <file-too-large><max-file-size/></file-too-large>;
 *   resource-constraint + <retry stamp/>, the stamp an XEP-0082 DateTime in UTC)
 * - RFC 6120 §8.3.2 (the error element: condition, text, application-specific condition)
 */
import type { Element } from "ltx";
import { StanzaError, stanzaError } from "../../lib/errors";
import type { Logger } from "../../lib/log";
import { el, errorReply } from "../../lib/stanza";
import { NS_UPLOAD } from "./ns";

export class DetailedStanzaError extends StanzaError {
  constructor(
    base: StanzaError,
    /** Added to the <error/> element after the condition and text. */
    readonly detail: Element,
  ) {
    super(base.type, base.condition, base.text);
    this.name = "DetailedStanzaError";
  }
}

export function fileTooLarge(max: number): DetailedStanzaError {
  const base = stanzaError("not-acceptable", `File too large. The maximum file size is ${max} bytes`);
  return new DetailedStanzaError(base, el("file-too-large", { xmlns: NS_UPLOAD }, el("max-file-size", {}, String(max))));
}

/** XEP-0082 DateTime without fractional seconds. */
function stamp(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export function quotaReached(retryAt: number | undefined): StanzaError {
  const base = stanzaError("resource-constraint", "Quota reached: too many bytes uploaded in the last 24 hours");
  return retryAt === undefined ? base : new DetailedStanzaError(base, el("retry", { xmlns: NS_UPLOAD, stamp: stamp(retryAt) }));
}

/** The error reply for whatever the slot handler threw; a bug is logged and hidden. */
export function errorReplyFor(stanza: Element, err: unknown, log: Logger): Element {
  if (!(err instanceof StanzaError)) {
    log.error("handing out an upload slot failed", { err: err as Error });
    return errorReply(stanza, stanzaError("internal-server-error"));
  }
  const reply = errorReply(stanza, err);
  if (err instanceof DetailedStanzaError) {
    const error = reply.getChild("error")!;
    error.children.push(err.detail);
    err.detail.parent = error;
  }
  return reply;
}
