/**
 * Headers the upload listener sends: the ones that keep an uploaded file from acting as a web page
 * of ours, CORS for web clients, and a Content-Disposition that names the file safely.
 *
 * References:
 * - XEP-0363 §8 (files are shared content: serve them as inert data)
 * - reliability.md HTTP-04 (CSP default-src 'none' and frame-ancestors 'none', nosniff, unsafe
 *   types as attachments), HTTP-13 (CORS is an explicit choice)
 * - W3C Content Security Policy Level 3 §6.3.2 (sandbox), Fetch Standard §3.2 (CORS protocol:
 *   Access-Control-Allow-Origin/-Methods/-Headers, preflight)
 * - RFC 6266 §4.1, §4.3 (Content-Disposition, filename and filename*), RFC 8187 §3.2.1 (ext-value
 *   in UTF-8 with attr-char)
 * - RFC 9110 §8.3 (Content-Type)
 */
import type { ServerResponse } from "node:http";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; sandbox",
  "Referrer-Policy": "no-referrer",
};

export const METHODS = "GET, HEAD, PUT, OPTIONS";

/** The CORS headers for a request from `origin`, given the allowed origins ("*" for any). */
export function corsHeaders(allowed: readonly string[], origin: string | undefined): Record<string, string> {
  if (allowed.length === 0) return {};
  if (allowed.includes("*")) return { "Access-Control-Allow-Origin": "*" };
  if (origin !== undefined && allowed.includes(origin)) return { "Access-Control-Allow-Origin": origin, Vary: "Origin" };
  return { Vary: "Origin" };
}

export const PREFLIGHT_HEADERS: Readonly<Record<string, string>> = {
  "Access-Control-Allow-Methods": METHODS,
  "Access-Control-Allow-Headers": "Authorization, Content-Type",
  "Access-Control-Max-Age": "86400",
};

export function setHeaders(res: ServerResponse, headers: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
}

/** Media a browser shows without running anything; everything else is offered as a download. */
const INLINE = /^(?:image\/(?:png|jpeg|gif|webp|avif|bmp|heic|heif)|audio\/[^;]+|video\/[^;]+|text\/plain)$/;

/** RFC 8187 attr-char: encodeURIComponent also leaves ' ( ) * unescaped, which are not. */
function extValue(name: string): string {
  return encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function contentDisposition(filename: string, contentType: string): string {
  const essence = contentType.split(";")[0].trim().toLowerCase();
  const kind = INLINE.test(essence) ? "inline" : "attachment";
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${extValue(filename)}`;
}
