/**
 * The three kinds of error: stanza errors, stream errors, and everything else (bugs).
 *
 * References:
 * - RFC 6120 §4.9 (stream errors), §8.3 (stanza errors)
 * - RFC 6120 §6.5 (SASL failures)
 */

export type StreamErrorCondition =
  | "bad-format"
  | "bad-namespace-prefix"
  | "conflict"
  | "connection-timeout"
  | "host-gone"
  | "host-unknown"
  | "improper-addressing"
  | "internal-server-error"
  | "invalid-from"
  | "invalid-namespace"
  | "invalid-xml"
  | "not-authorized"
  | "not-well-formed"
  | "policy-violation"
  | "remote-connection-failed"
  | "reset"
  | "resource-constraint"
  | "restricted-xml"
  | "see-other-host"
  | "system-shutdown"
  | "undefined-condition"
  | "unsupported-encoding"
  | "unsupported-feature"
  | "unsupported-stanza-type"
  | "unsupported-version";

export type StanzaErrorType = "auth" | "cancel" | "continue" | "modify" | "wait";

export type StanzaErrorCondition =
  | "bad-request"
  | "conflict"
  | "feature-not-implemented"
  | "forbidden"
  | "gone"
  | "internal-server-error"
  | "item-not-found"
  | "jid-malformed"
  | "not-acceptable"
  | "not-allowed"
  | "not-authorized"
  | "policy-violation"
  | "recipient-unavailable"
  | "redirect"
  | "registration-required"
  | "remote-server-not-found"
  | "remote-server-timeout"
  | "resource-constraint"
  | "service-unavailable"
  | "subscription-required"
  | "undefined-condition"
  | "unexpected-request";

/** An application-specific condition element, e.g. `<stanza-too-big xmlns='urn:xmpp:errors'/>`. */
export interface AppCondition {
  name: string;
  xmlns: string;
}

export class StreamError extends Error {
  constructor(
    readonly condition: StreamErrorCondition,
    readonly text?: string,
    readonly app?: AppCondition,
  ) {
    super(text ? `${condition}: ${text}` : condition);
    this.name = "StreamError";
  }
}

export class StanzaError extends Error {
  constructor(
    readonly type: StanzaErrorType,
    readonly condition: StanzaErrorCondition,
    readonly text?: string,
    readonly app?: AppCondition,
  ) {
    super(text ? `${condition}: ${text}` : condition);
    this.name = "StanzaError";
  }
}

/** An expected operational failure of the storage layer; callers map it to wait/internal-server-error. */
export class StorageError extends Error {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = "StorageError";
  }
}

/** Default error type for each condition, per RFC 6120 §8.3.3. */
export const DEFAULT_ERROR_TYPE: Record<StanzaErrorCondition, StanzaErrorType> = {
  "bad-request": "modify",
  conflict: "cancel",
  "feature-not-implemented": "cancel",
  forbidden: "auth",
  gone: "cancel",
  "internal-server-error": "cancel",
  "item-not-found": "cancel",
  "jid-malformed": "modify",
  "not-acceptable": "modify",
  "not-allowed": "cancel",
  "not-authorized": "auth",
  "policy-violation": "modify",
  "recipient-unavailable": "wait",
  redirect: "modify",
  "registration-required": "auth",
  "remote-server-not-found": "cancel",
  "remote-server-timeout": "wait",
  "resource-constraint": "wait",
  "service-unavailable": "cancel",
  "subscription-required": "auth",
  "undefined-condition": "cancel",
  "unexpected-request": "wait",
};

export function stanzaError(condition: StanzaErrorCondition, text?: string, app?: AppCondition): StanzaError {
  return new StanzaError(DEFAULT_ERROR_TYPE[condition], condition, text, app);
}
