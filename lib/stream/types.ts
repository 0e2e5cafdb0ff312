/** Link kinds and the per-element event payloads of the stream engine. */
import type { Element } from "ltx";
import type { Session } from "./session";

export type LinkKind = "c2s" | "s2s-in" | "s2s-out" | "component";

/** "s2s" is shorthand for both directions. */
export type LinkKindSpec = LinkKind | "s2s";

export function expandKinds(kinds: readonly LinkKindSpec[]): LinkKind[] {
  const out = new Set<LinkKind>();
  for (const k of kinds) {
    if (k === "s2s") out.add("s2s-in").add("s2s-out");
    else out.add(k);
  }
  return [...out];
}

export interface ElementEvent {
  session: Session;
  element: Element;
}

/** Event name for a top-level element on a stream of the given kind, e.g. element/c2s/urn:ietf:params:xml:ns:xmpp-tls:starttls. */
export function elementEventName(kind: LinkKind, xmlns: string, name: string): string {
  return `element/${kind}/${xmlns}:${name}`;
}

export type FeatureBuilder = (session: Session) => Element | undefined;
