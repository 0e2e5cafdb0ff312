/**
 * Public surface of lib/sasl: pure SASL mechanism state machines, no I/O and no XML.
 *
 * References:
 * - RFC 6120 §6 (SASL negotiation), RFC 4422 (SASL)
 */
export * from "./base64";
export * from "./credentials";
export * from "./mechanism";
export { ScramClient, MAX_CLIENT_ITERATIONS, type ScramClientOptions } from "./scram-client";
export { plainClientResponse } from "./plain-client";
