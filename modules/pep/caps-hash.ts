/**
 * Checking a disco#info answer against the entity capabilities 'ver' that announced it, so an
 * answer is cached for everyone using that 'ver' only when it really hashes to it (the
 * caps-cache poisoning that servers like ejabberd had to fix).
 *
 * References:
 * - XEP-0115 §5.1 (the verification string: identities, features, extended forms, each followed
 *   by '<', sorted with i;octet), §5.4 (processing: reject duplicate identities or features, more
 *   than one form of a FORM_TYPE; ignore forms whose FORM_TYPE is not hidden)
 * - XEP-0115 §5.2, §5.3 (the worked examples, checked by caps-hash.test.ts)
 * - XEP-0128 (extended forms in disco#info)
 */
import { createHash } from "node:crypto";
import type { Element } from "ltx";
import { NS } from "../../lib/xml/ns";
import { findChildren, getText } from "../../lib/xml/element";
import { NS_XDATA } from "./ns";

/** The hash function names of the IANA registry that XEP-0115 uses, as Node calls them. */
const HASHES: Record<string, string> = { "sha-1": "sha1", "sha-224": "sha224", "sha-256": "sha256", "sha-384": "sha384", "sha-512": "sha512" };

export function supportedHash(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(HASHES, name);
}

/** i;octet: compare the UTF-8 bytes, not UTF-16 code units. */
function octetSort(values: string[]): string[] {
  return values.map((v) => [v, Buffer.from(v, "utf8")] as const).sort((a, b) => Buffer.compare(a[1], b[1])).map(([v]) => v);
}

function hasDuplicates(values: string[]): boolean {
  return new Set(values).size !== values.length;
}

/** The verification string of a disco#info <query/>, or undefined when §5.4 says not to trust it. */
export function verificationString(query: Element): string | undefined {
  const identities = findChildren(query, "identity", NS.DISCO_INFO).map(
    (i) => `${i.attrs.category ?? ""}/${i.attrs.type ?? ""}/${i.attrs["xml:lang"] ?? ""}/${i.attrs.name ?? ""}`,
  );
  const features = findChildren(query, "feature", NS.DISCO_INFO).map((f) => String(f.attrs.var ?? ""));
  if (hasDuplicates(identities) || hasDuplicates(features)) return undefined;
  let s = "";
  for (const i of octetSort(identities)) s += i + "<";
  for (const f of octetSort(features)) s += f + "<";

  const forms = new Map<string, Element>();
  for (const x of findChildren(query, "x", NS_XDATA)) {
    const fields = findChildren(x, "field", NS_XDATA);
    const formType = fields.find((f) => f.attrs.var === "FORM_TYPE");
    if (!formType || formType.attrs.type !== "hidden") continue;
    const name = getText(findChildren(formType, "value", NS_XDATA)[0] ?? formType);
    if (forms.has(name)) return undefined;
    forms.set(name, x);
  }
  for (const name of octetSort([...forms.keys()])) {
    s += name + "<";
    const fields = findChildren(forms.get(name)!, "field", NS_XDATA).filter((f) => f.attrs.var !== "FORM_TYPE");
    const byVar = new Map(fields.map((f) => [String(f.attrs.var ?? ""), f]));
    for (const v of octetSort([...byVar.keys()])) {
      s += v + "<";
      for (const value of octetSort(findChildren(byVar.get(v)!, "value", NS_XDATA).map(getText))) s += value + "<";
    }
  }
  return s;
}

/** Whether the answer hashes (with the named function) to the announced 'ver'. */
export function verifies(query: Element, hash: string, ver: string): boolean {
  const algo = HASHES[hash];
  const s = algo ? verificationString(query) : undefined;
  if (s === undefined) return false;
  return createHash(algo).update(s, "utf8").digest("base64") === ver;
}

/** The 'ver' a feature set hashes to (tests and clients compute it the same way). */
export function capsVer(query: Element, hash = "sha-1"): string {
  return createHash(HASHES[hash]).update(verificationString(query) ?? "", "utf8").digest("base64");
}
