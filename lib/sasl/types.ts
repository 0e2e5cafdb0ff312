/**
 * The contract between SASL mechanisms (pure state machines) and the stream code that drives them.
 *
 * References:
 * - RFC 6120 §6.4 (exchange: auth, challenge, response, success), §6.5 (failure conditions)
 * - RFC 4422 §3.4 (initial response), §5 (mechanism requirements)
 */
import type { ScramCredentials, ScramHash } from "./credentials";

/** RFC 6120 §6.5 defined conditions. */
export type SaslCondition =
  | "aborted"
  | "account-disabled"
  | "credentials-expired"
  | "encryption-required"
  | "incorrect-encoding"
  | "invalid-authzid"
  | "invalid-mechanism"
  | "malformed-request"
  | "mechanism-too-weak"
  | "not-authorized"
  | "temporary-auth-failure";

export type SaslStep =
  | { kind: "challenge"; data: Buffer }
  /**
   * username: the authenticated SASL identity as sent (after saslname unescaping), not yet
   * normalised. authzid: as sent, not judged — the caller compares it with the authenticated
   * identity and answers <invalid-authzid/> (RFC 6120 §6.3.8).
   */
  | { kind: "success"; data?: Buffer; username: string; authzid?: string }
  /** text is for humans and logs; it never contains a password or says whether a user exists. */
  | { kind: "failure"; condition: SaslCondition; text?: string };

export interface SaslServerContext {
  /** TLS in use. */
  secure: boolean;
  /** "tls-exporter" | "tls-server-end-point" | "tls-unique"; undefined when unavailable. */
  channelBinding(type: string): Buffer | undefined;
  /** Channel-binding types supported/advertised on this connection, in order of preference. */
  cbTypes: string[];
  /** Whether any -PLUS mechanism was advertised on this connection (RFC 5802 §6 downgrade check). */
  plusOffered: boolean;
  /** undefined for an unknown user; a rejected promise becomes <temporary-auth-failure/>. */
  getScramCredentials(username: string, hash: ScramHash): Promise<ScramCredentials | undefined>;
  /** For PLAIN. Receives the password as sent; see checkScramPassword() for a ready implementation. */
  checkPassword(username: string, password: string): Promise<boolean>;
  /** Keys the deterministic fake salt shown for unknown users (AUTH-09). Keep it secret and stable. */
  fakeSaltSecret: Buffer;
  /** Iteration count shown for unknown users; should match what real users have. Default DEFAULT_ITERATIONS. */
  fakeIterations?: number;
}

export interface SaslServerMechanism {
  readonly name: string;
  /** The first call gets the initial response (an empty Buffer if none). Never rejects. */
  step(input: Buffer): Promise<SaslStep>;
}

/** Test seams; production code passes nothing. */
export interface SaslServerOptions {
  /** The server's part of the SCRAM nonce (RFC 5802 §5.1), printable and without ",". */
  serverNonce?: () => string;
}
