/**
 * Which mechanisms to offer, and the factory the stream code calls on <auth mechanism='…'/>.
 *
 * References:
 * - RFC 6120 §6.3.3 (mechanisms offered in order of preference), §6.4.1, §6.5.6 (<invalid-mechanism/>),
 *   §13.8 (PLAIN only with TLS)
 * - RFC 5802 §4 (SCRAM mechanism names, -PLUS), RFC 7677, XEP-0440 (-PLUS only with a binding type)
 * - reliability.md AUTH-01, AUTH-09 (list does not depend on the claimed user)
 */
import type { ScramHash } from "./scram-crypto";
import { PlainServerMechanism } from "./plain-server";
import { ScramServerMechanism } from "./scram-server";
import type { SaslServerContext, SaslServerMechanism, SaslServerOptions } from "./types";

export type { SaslCondition, SaslServerContext, SaslServerMechanism, SaslServerOptions, SaslStep } from "./types";

/** Strongest first. */
const SCRAM_BY_NAME: ReadonlyArray<[string, ScramHash]> = [
  ["SCRAM-SHA-512", "sha512"],
  ["SCRAM-SHA-256", "sha256"],
  ["SCRAM-SHA-1", "sha1"],
];

export function serverMechanisms(ctx: { secure: boolean; cbTypes: string[] }): string[] {
  const names: string[] = [];
  if (ctx.cbTypes.length > 0) names.push(...SCRAM_BY_NAME.map(([n]) => `${n}-PLUS`));
  names.push(...SCRAM_BY_NAME.map(([n]) => n));
  if (ctx.secure) names.push("PLAIN");
  return names;
}

/**
 * undefined → the caller answers <invalid-mechanism/>. A known mechanism that was not offered
 * (PLAIN without TLS, -PLUS without binding) is still created, so that it fails with its own
 * precise condition rather than a generic one.
 */
export function createServerMechanism(
  name: string,
  ctx: SaslServerContext,
  opts: SaslServerOptions = {},
): SaslServerMechanism | undefined {
  if (name === "PLAIN") return new PlainServerMechanism(ctx);
  const plus = name.endsWith("-PLUS");
  const base = plus ? name.slice(0, -"-PLUS".length) : name;
  const entry = SCRAM_BY_NAME.find(([n]) => n === base);
  return entry ? new ScramServerMechanism(entry[1], plus, ctx, opts) : undefined;
}
