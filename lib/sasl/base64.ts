/**
 * Strict base64 for SASL payloads and SCRAM attributes.
 *
 * References:
 * - RFC 6120 §6.4.2 (initial response "=" means present but empty), §6.5.4 (<incorrect-encoding/>
 *   when the data does not follow RFC 4648 §4)
 * - RFC 4648 §3.3 (reject characters outside the alphabet), §3.5 (canonical encoding: pad bits zero)
 * - RFC 5802 §7 (base64 grammar of c=, s=, p=, v=)
 *
 * Buffer.from(s, "base64") silently skips junk and accepts base64url, so we validate first.
 */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** RFC 4648 §4 base64, padded, canonical, no whitespace. "" decodes to an empty buffer. */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64");
  // Non-zero pad bits ("QR==") would let two encodings stand for one value.
  if (bytes.toString("base64") !== text) return undefined;
  return bytes;
}

/**
 * Decode the character data of <auth/>, <response/>, <challenge/> or <success/>.
 * "=" and "" both mean zero-length data (RFC 6120 §6.4.2); callers that must tell "no initial
 * response" from "empty initial response" check for "" before calling. undefined → the caller
 * answers <incorrect-encoding/>.
 */
export function decodeSaslBase64(text: string): Buffer | undefined {
  if (text === "=") return Buffer.alloc(0);
  return decodeBase64Strict(text);
}

/** Inverse of decodeSaslBase64: zero-length data is sent as "=" (RFC 6120 §6.4.2, §6.4.3). */
export function encodeSaslBase64(data: Buffer): string {
  return data.length === 0 ? "=" : data.toString("base64");
}
