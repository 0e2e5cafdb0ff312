/**
 * Slot URLs, and the one place where a request's path is read. The path is canonicalised exactly
 * once, here, by matching the raw request target against `<prefix><id>/<name>`: nothing is
 * decoded before the match, the id must have the exact shape of ours, and only the last segment,
 * the cosmetic file name, is percent-decoded, to be compared with the name the slot was issued
 * for. Anything else is unknown, and no part of a request path ever reaches the file system.
 *
 * References:
 * - XEP-0363 §4 (keep the file name and its ending in the URL; PUT and GET URLs), §8 (long
 *   random URL parts)
 * - RFC 3986 §2.1 (percent-encoding), §3.3 (path segments)
 * - RFC 9112 §3.2.1 (origin-form request targets)
 * - reliability.md HTTP-01, HTTP-02 (canonicalise once, then authorise; deny by default)
 */
import { ConfigError } from "../../lib/config/options";

/** The path under which files are served when no external URL says otherwise. */
const DEFAULT_PREFIX = "/upload/";

/** An https:// base URL without credentials, query or fragment, its path ending in "/". */
export function parseExternalUrl(value: string, where: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${where}: expected an https:// URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== "https:" || url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") {
    throw new ConfigError(`${where}: expected an https:// URL without credentials, query or fragment, got ${JSON.stringify(value)}`);
  }
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url;
}

/** The path prefix the listener serves: the external URL's path (a proxy passes it on), or /upload/. */
export function servicePrefix(external: URL | undefined): string {
  return external?.pathname ?? DEFAULT_PREFIX;
}

/** The base every slot URL starts with. */
export function baseUrl(external: URL | undefined, domain: string, port: number): string {
  if (external) return external.href;
  return new URL(`https://${domain}${port === 443 ? "" : `:${port}`}${DEFAULT_PREFIX}`).href;
}

export function fileUrl(base: string, id: string, filename: string): string {
  return `${base}${id}/${encodeURIComponent(filename)}`;
}

export interface FileTarget {
  id: string;
  /** The decoded last segment. */
  name: string;
}

const TARGET = /^([A-Za-z0-9_-]{22})\/([^/]+)$/;

/** The file a raw request target names, or undefined: the caller answers 404. */
export function parseTarget(prefix: string, rawTarget: string): FileTarget | undefined {
  const q = rawTarget.indexOf("?");
  const path = q < 0 ? rawTarget : rawTarget.slice(0, q);
  if (!path.startsWith(prefix)) return undefined;
  const m = TARGET.exec(path.slice(prefix.length));
  if (!m) return undefined;
  try {
    return { id: m[1], name: decodeURIComponent(m[2]) };
  } catch {
    return undefined;
  }
}
