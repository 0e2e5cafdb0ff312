/**
 * Parser limits on server-to-server streams: tight until the peer is authenticated (features,
 * STARTTLS, SASL and dialback elements are all small), generous afterwards.
 *
 * References:
 * - XEP-0205 §4.5–4.6 (stanza size and depth), RFC 6120 §13.12 (denial of service)
 */
import type { CoreOptions } from "../server";
import type { ParserLimits } from "../xml/parser";

type SizeOptions = Pick<CoreOptions, "s2s_stanza_size_limit" | "s2s_preauth_stanza_size_limit">;

export function preauthLimits(o: SizeOptions): Partial<ParserLimits> {
  return { maxStanzaBytes: o.s2s_preauth_stanza_size_limit, maxElements: 256 };
}

export function authedLimits(o: SizeOptions): Partial<ParserLimits> {
  // Prosody's s2s_max_child_elements default.
  return { maxStanzaBytes: o.s2s_stanza_size_limit, maxElements: 25_000 };
}
