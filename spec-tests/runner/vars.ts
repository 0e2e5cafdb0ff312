/**
 * Payload variables and domain rewriting.
 *
 * `${Name's JID}`, `${Name's full JID}` are scansion's; `${Name's PLAIN}` (base64 SASL PLAIN initial response,
 * for raw scripts), `${domain}` and target-supplied `${key}` are ours.
 */
import { escapeAttr } from "../../lib/xml/serialize";

export interface VarSource {
  /** Bare JID as configured, after domain rewriting. */
  jid(name: string): string | undefined;
  /** Bound full JID; undefined until the character has connected. */
  fullJid(name: string): string | undefined;
  plain(name: string): string | undefined;
  named(key: string): string | undefined;
}

/** Replaces every variable; the values are XML-escaped because payloads are XML text. */
export function substitute(text: string, vars: VarSource): string {
  return text.replace(/\$\{([^}]+)\}/g, (whole, inner: string) => {
    // Greedy name: "Juliet's phone's full JID" → name "Juliet's phone".
    const m = /^(.+)'s (full JID|JID|PLAIN)$/.exec(inner);
    let value: string | undefined;
    if (m) {
      const [, name, kind] = m;
      value = kind === "JID" ? vars.jid(name) : kind === "full JID" ? vars.fullJid(name) : vars.plain(name);
      if (value === undefined) {
        const why = kind === "full JID" ? ` (has ${name} connected?)` : "";
        throw new Error(`cannot resolve ${whole}${why}`);
      }
    } else {
      value = vars.named(inner);
      if (value === undefined) throw new Error(`unknown variable ${whole}`);
    }
    // escapeAttr covers both quotes, so the value is safe in text and in either kind of attribute.
    return escapeAttr(value);
  });
}

/**
 * Scripts are written for the domain `localhost`; a target with another domain gets every `localhost` that
 * stands alone or ends a dotted name (`pubsub.localhost`) rewritten, in JIDs and raw text alike.
 */
export function rewriteDomain(text: string, domain: string, scriptDomain = "localhost"): string {
  if (domain === scriptDomain) return text;
  const re = new RegExp(`(?<![\\w-])${scriptDomain.replace(/\./g, "\\.")}(?![\\w-])`, "g");
  return text.replace(re, domain);
}

export interface Jid {
  local: string;
  domain: string;
  resource?: string;
}

export function splitJid(jid: string): Jid {
  const m = /^([^@/]+)@([^@/]+)(?:\/(.+))?$/.exec(jid);
  if (!m) throw new Error(`not a user JID: ${jid}`);
  return { local: m[1], domain: m[2], resource: m[3] };
}
