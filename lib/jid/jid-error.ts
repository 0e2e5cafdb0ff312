/**
 * The one error type of this package: every malformed address, whatever part is wrong.
 * Callers map it to the `jid-malformed` stanza error or the `improper-addressing` /
 * `invalid-from` stream errors, and may show `message` to the peer.
 *
 * References:
 * - RFC 6120 §8.3.3.8 (jid-malformed)
 */

export type JidPart = "jid" | "localpart" | "domainpart" | "resourcepart";

export class JidError extends Error {
  /** Which part of the address is wrong ("jid" when the whole string is). */
  readonly part: JidPart;

  constructor(part: JidPart, reason: string) {
    super(`${part}: ${reason}`);
    this.name = "JidError";
    this.part = part;
  }
}
