/**
 * Which messages go into a user archive.
 *
 * References:
 * - XEP-0313 §6.1.1 (user archives: messages of type normal or chat that carry a <body/>;
 *   groupchat and headline are optional and we leave them out)
 * - XEP-0334 §4 (<no-store/> and <no-permanent-store/> forbid archiving; <store/> asks for it
 *   on any message that is not an error)
 */
import type { Element } from "ltx";
import { childElements, findChild, nsOf } from "../../lib/xml/element";
import { NS_HINTS } from "./ns";

function hasHint(stanza: Element, name: string): boolean {
  return childElements(stanza).some((c) => c.name === name && nsOf(c) === NS_HINTS);
}

export function shouldArchive(stanza: Element): boolean {
  if (stanza.name !== "message") return false;
  const type = (stanza.attrs.type as string | undefined) ?? "normal";
  if (type === "error") return false;
  // When a sender says both, not storing is the choice that cannot leak anything.
  if (hasHint(stanza, "no-store") || hasHint(stanza, "no-permanent-store")) return false;
  if (hasHint(stanza, "store")) return true;
  if (type !== "chat" && type !== "normal") return false;
  return findChild(stanza, "body", nsOf(stanza)) !== undefined;
}
