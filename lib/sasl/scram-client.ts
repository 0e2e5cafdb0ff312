/**
 * Client side of SCRAM (used by tests, the spec-test runner and the benchmark).
 *
 * References:
 * - RFC 5802 §3 (proof and signature), §5 (exchange), §5.1 (nonce must extend ours; m= fails),
 *   §6 (gs2-cbind-flag), §7 (syntax), §9 (verify the server signature)
 * - RFC 7677 §4 (iteration count below 4096 is refused)
 */
import { randomBytes } from "node:crypto";
import { decodeBase64Strict } from "./base64";
import { MIN_ITERATIONS } from "./credentials";
import { clientKeyOf, digest, hi, hmac, safeEqual, serverKeyOf, xor, type ScramHash } from "./scram-crypto";
import { decodeScramText, escapeSaslName, isValidCbName, isValidNonce, parseAttributes, parsePositNumber } from "./scram-syntax";
import { saslPrep } from "./saslprep";

export { plainClientResponse } from "./plain-client";

/** A hostile server could otherwise make us spin PBKDF2 for minutes. */
export const MAX_CLIENT_ITERATIONS = 10_000_000;

export interface ScramClientOptions {
  hash: ScramHash;
  username: string;
  password: string;
  authzid?: string;
  /** With cbType the GS2 flag is "p=<cbType>" and cbData is bound into c=. */
  cbType?: string;
  cbData?: Buffer;
  /** Without cbType: "n" (no binding support, default) or "y" (supported but not offered). */
  gs2Flag?: "n" | "y";
  /** Test seam: a fixed client nonce (printable, no ","). */
  nonce?: string;
}

export class ScramClient {
  private readonly hash: ScramHash;
  private readonly preparedPassword: string;
  private readonly gs2Header: string;
  private readonly clientFirstBare: string;
  private readonly clientNonce: string;
  private readonly cbData: Buffer;
  private expectedServerSignature: Buffer | undefined;

  constructor(opts: ScramClientOptions) {
    this.hash = opts.hash;
    this.preparedPassword = saslPrep(opts.password, { allowUnassigned: true });
    if (this.preparedPassword === "") throw new RangeError("password is empty after SASLprep");
    if (opts.username === "") throw new RangeError("username must not be empty");

    let flag: string = opts.gs2Flag ?? "n";
    if (opts.cbType !== undefined) {
      if (!isValidCbName(opts.cbType)) throw new RangeError("invalid channel binding type name");
      if (!opts.cbData || opts.cbData.length === 0) throw new RangeError("cbType given without cbData");
      flag = `p=${opts.cbType}`;
    }
    this.cbData = opts.cbType !== undefined ? opts.cbData! : Buffer.alloc(0);
    const authz = opts.authzid ? `a=${escapeSaslName(opts.authzid)}` : "";
    this.gs2Header = `${flag},${authz},`;

    this.clientNonce = opts.nonce ?? randomBytes(18).toString("base64");
    if (!isValidNonce(this.clientNonce)) throw new RangeError("client nonce must be printable ASCII without ','");
    this.clientFirstBare = `n=${escapeSaslName(opts.username)},r=${this.clientNonce}`;
  }

  /** client-first-message. */
  first(): Buffer {
    return Buffer.from(this.gs2Header + this.clientFirstBare, "utf8");
  }

  /** client-final-message for a server-first-message; throws if the server's message is unacceptable. */
  async final(serverFirst: Buffer): Promise<Buffer> {
    const text = decodeScramText(serverFirst);
    const attrs = text === undefined ? undefined : parseAttributes(text);
    if (!text || !attrs) throw new Error("SCRAM: malformed server-first-message");
    if (attrs[0]?.name === "m") throw new Error("SCRAM: server requires an unsupported extension");
    if (attrs.length < 3 || attrs[0]!.name !== "r" || attrs[1]!.name !== "s" || attrs[2]!.name !== "i") {
      throw new Error("SCRAM: server-first-message must be r=,s=,i=");
    }
    const nonce = attrs[0]!.value;
    // The server must extend our nonce, never replace it (RFC 5802 §5.1).
    if (!isValidNonce(nonce) || !nonce.startsWith(this.clientNonce) || nonce.length === this.clientNonce.length) {
      throw new Error("SCRAM: server nonce does not extend the client nonce");
    }
    const salt = decodeBase64Strict(attrs[1]!.value);
    if (!salt || salt.length === 0) throw new Error("SCRAM: invalid salt");
    const iterations = parsePositNumber(attrs[2]!.value);
    if (iterations === undefined || iterations < MIN_ITERATIONS || iterations > MAX_CLIENT_ITERATIONS) {
      throw new Error(`SCRAM: iteration count must be between ${MIN_ITERATIONS} and ${MAX_CLIENT_ITERATIONS}`);
    }

    const salted = await hi(this.hash, this.preparedPassword, salt, iterations);
    const clientKey = clientKeyOf(this.hash, salted);
    const cbind = Buffer.concat([Buffer.from(this.gs2Header, "utf8"), this.cbData]).toString("base64");
    const withoutProof = `c=${cbind},r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${text},${withoutProof}`;
    const proof = xor(clientKey, hmac(this.hash, digest(this.hash, clientKey), authMessage));
    this.expectedServerSignature = hmac(this.hash, serverKeyOf(this.hash, salted), authMessage);
    return Buffer.from(`${withoutProof},p=${proof.toString("base64")}`, "utf8");
  }

  /** True only for a server-final-message carrying the expected v= (compared in constant time). */
  verify(serverFinal: Buffer): boolean {
    if (!this.expectedServerSignature) return false;
    const text = decodeScramText(serverFinal);
    const attrs = text === undefined ? undefined : parseAttributes(text);
    if (!attrs || attrs[0]!.name !== "v") return false;
    const signature = decodeBase64Strict(attrs[0]!.value);
    return signature !== undefined && safeEqual(signature, this.expectedServerSignature);
  }
}
