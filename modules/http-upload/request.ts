/**
 * Reads a slot request and refuses what the service will not hand a slot for: a file name that is
 * not one harmless path segment, a size that is not a byte count, a media type that could not be
 * sent back in a Content-Type header.
 *
 * References:
 * - XEP-0363 §4 ('filename' and 'size' are required, 'content-type' is optional; the service
 *   should keep the name and its ending), §5 (other errors use the fitting condition)
 * - RFC 9110 §8.3.1 (media type: type "/" subtype *( OWS ";" OWS parameter )), §5.6.2 (token),
 *   §5.6.4 (quoted-string)
 * - reliability.md HTTP-02 (the name only ever appears in the URL, never on disk)
 */
import type { Element } from "ltx";
import { stanzaError, type StanzaError } from "../../lib/errors";

export interface SlotRequest {
  filename: string;
  size: number;
  contentType: string | undefined;
}

export const MAX_FILENAME_BYTES = 255;
const MAX_CONTENT_TYPE_LENGTH = 255;
/** Quoted parameter values without escapes: enough for real clients, and nothing to unescape. */
const MEDIA_TYPE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:[ \t]*;[ \t]*[!#$%&'*+.^_`|~0-9A-Za-z-]+=(?:[!#$%&'*+.^_`|~0-9A-Za-z-]+|"[^"\\\x00-\x1f\x7f]*"))*$/;
/** Path separators, controls, and the bidi overrides that make "gpj.exe" display as "exe.jpg". */
const BAD_NAME_CHAR = /[/\\\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]/;

const bad = (text: string): StanzaError => stanzaError("bad-request", text);

export function readRequest(payload: Element): SlotRequest {
  const attrs = payload.attrs as Record<string, string | undefined>;
  const { filename, size } = attrs;
  const contentType = attrs["content-type"] === "" ? undefined : attrs["content-type"];
  if (filename === undefined || filename === "") throw bad("A file name is required");
  if (Buffer.byteLength(filename, "utf8") > MAX_FILENAME_BYTES) throw bad(`The file name is longer than ${MAX_FILENAME_BYTES} bytes`);
  if (BAD_NAME_CHAR.test(filename) || filename === "." || filename === "..") {
    throw bad("The file name must be a single path segment without control characters");
  }
  // Fifteen digits stay within Number.MAX_SAFE_INTEGER.
  if (size === undefined || !/^\d{1,15}$/.test(size)) throw bad("The size must be a whole number of bytes");
  if (contentType !== undefined && !isMediaType(contentType)) throw bad("The content type is not a valid media type");
  return { filename, size: Number(size), contentType };
}

export function isMediaType(value: string): boolean {
  return value.length <= MAX_CONTENT_TYPE_LENGTH && MEDIA_TYPE.test(value);
}

/** "type/subtype" in lower case, for comparing a PUT's Content-Type with the requested one. */
export function mediaTypeEssence(value: string): string {
  return value.split(";")[0].trim().toLowerCase();
}
