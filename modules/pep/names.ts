/**
 * Node names and item ids as requests carry them.
 *
 * References:
 * - XEP-0060 §4.6.2 (NodeIDs are opaque strings), §7.1.3.x / §6.5.x (nodeid-required)
 * - XEP-0060 §7.1.2 (the service generates an ItemID when the publisher gives none)
 */
import { randomUUID } from "node:crypto";
import type { Element } from "ltx";
import { stanzaError } from "../../lib/errors";
import type { PepLimits } from "./context";
import { pubsubError } from "./errors";

/** The 'node' attribute; nodeid-required when absent (PEP has no root node to act on). */
export function nodeOf(e: Element, limits: PepLimits, missing: "bad-request" | "not-acceptable" = "bad-request"): string {
  const node = e.attrs.node as string | undefined;
  if (node === undefined || node === "") throw pubsubError(missing, "nodeid-required");
  if (node.length > limits.maxName) throw stanzaError("not-acceptable", `Node names are at most ${limits.maxName} characters`);
  return node;
}

export function checkItemId(id: string, limits: PepLimits): string {
  if (id.length > limits.maxName) throw stanzaError("not-acceptable", `Item ids are at most ${limits.maxName} characters`);
  return id;
}

export function newItemId(): string {
  return randomUUID();
}
