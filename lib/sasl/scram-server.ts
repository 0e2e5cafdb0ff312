/**
 * Server side of SCRAM-SHA-1/256/512 and their -PLUS variants.
 *
 * References:
 * - RFC 5802 §3 (algorithm), §5 (exchange), §5.1 (attributes, nonce, username escaping, m=),
 *   §6 (channel binding and the "y" downgrade check), §7 (syntax), §9 (security)
 * - RFC 7677 §3 (SCRAM-SHA-256); SCRAM-SHA-512 by the same construction
 * - RFC 5056 §2.1 (channel binding), RFC 5929 §3–4 (tls-unique, tls-server-end-point),
 *   RFC 9266 §2–3 (tls-exporter; tls-unique undefined for TLS 1.3), XEP-0440
 * - RFC 6120 §6.4.3 (empty challenge when no initial response), §6.5 (conditions)
 * - reliability.md AUTH-03, AUTH-04, AUTH-06, AUTH-07, AUTH-09
 */
import { randomBytes } from "node:crypto";
import { decodeBase64Strict } from "./base64";
import { DEFAULT_ITERATIONS, SALT_BYTES, type ScramCredentials } from "./credentials";
import { digest, HASH_LENGTH, hmac, safeEqual, xor, type ScramHash } from "./scram-crypto";
import {
  decodeScramText,
  extensionsAcceptable,
  isValidNonce,
  parseAttributes,
  parseGs2Header,
  unescapeSaslName,
  type Gs2Flag,
} from "./scram-syntax";
import type { SaslCondition, SaslServerContext, SaslServerMechanism, SaslServerOptions, SaslStep } from "./types";

/** Far above any honest message (usernames ≤ 1023 bytes, SHA-512 proofs, 64-byte bindings). */
export const MAX_SCRAM_MESSAGE_BYTES = 4096;
/** RFC 5802 §5.1 leaves the length open; 18 random bytes = 144 bits, 24 base64 characters. */
const SERVER_NONCE_BYTES = 18;

interface KeyMaterial {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

interface Exchange {
  gs2Header: string;
  cbData: Buffer | undefined;
  username: string;
  authzid: string | undefined;
  nonce: string;
  clientFirstBare: string;
  serverFirst: string;
  keys: KeyMaterial;
  /** false for an unknown user: the exchange runs to the proof check and then fails. */
  known: boolean;
}

function fail(condition: SaslCondition, text?: string): SaslStep {
  return text === undefined ? { kind: "failure", condition } : { kind: "failure", condition, text };
}

function randomServerNonce(): string {
  return randomBytes(SERVER_NONCE_BYTES).toString("base64");
}

function decodeStored(creds: ScramCredentials, hash: ScramHash): KeyMaterial | undefined {
  const salt = decodeBase64Strict(creds.salt);
  const storedKey = decodeBase64Strict(creds.storedKey);
  const serverKey = decodeBase64Strict(creds.serverKey);
  const len = HASH_LENGTH[hash];
  if (!salt || salt.length === 0 || storedKey?.length !== len || serverKey?.length !== len) return undefined;
  if (!Number.isSafeInteger(creds.iterations) || creds.iterations < 1) return undefined;
  return { salt, iterations: creds.iterations, storedKey, serverKey };
}

export class ScramServerMechanism implements SaslServerMechanism {
  readonly name: string;
  private state: "initial" | "awaiting-first" | "awaiting-final" | "done" = "initial";
  private busy = false;
  private exchange: Exchange | undefined;
  private readonly serverNonce: () => string;

  constructor(
    private readonly hash: ScramHash,
    private readonly plus: boolean,
    private readonly ctx: SaslServerContext,
    opts: SaslServerOptions = {},
  ) {
    this.name = `SCRAM-${hash.toUpperCase().replace("SHA", "SHA-")}${plus ? "-PLUS" : ""}`;
    this.serverNonce = opts.serverNonce ?? randomServerNonce;
  }

  async step(input: Buffer): Promise<SaslStep> {
    // A step after the outcome, or overlapping a pending one, is a protocol violation by the caller's peer.
    if (this.busy || this.state === "done") return fail("malformed-request", "unexpected response");
    this.busy = true;
    try {
      const result = this.state === "awaiting-final" ? this.clientFinal(input) : await this.clientFirst(input);
      if (result.kind !== "challenge") this.state = "done";
      return result;
    } catch {
      this.state = "done";
      return fail("temporary-auth-failure");
    } finally {
      this.busy = false;
    }
  }

  private async clientFirst(input: Buffer): Promise<SaslStep> {
    if (input.length === 0) {
      // RFC 6120 §6.4.2: no initial response → empty challenge, client-first comes as <response/>.
      if (this.state === "initial") {
        this.state = "awaiting-first";
        return { kind: "challenge", data: Buffer.alloc(0) };
      }
      return fail("malformed-request", "empty client-first-message");
    }
    if (input.length > MAX_SCRAM_MESSAGE_BYTES) return fail("malformed-request", "client-first-message too long");
    const text = decodeScramText(input);
    if (text === undefined) return fail("malformed-request", "client-first-message is not valid UTF-8");

    const split = parseGs2Header(text);
    if (!split) return fail("malformed-request", "invalid GS2 header");
    const attrs = parseAttributes(split.bare);
    if (!attrs) return fail("malformed-request", "invalid client-first-message");
    if (attrs[0]?.name === "m") return fail("malformed-request", "mandatory extension not supported");
    if (attrs.length < 2 || attrs[0]!.name !== "n" || attrs[1]!.name !== "r") {
      return fail("malformed-request", "client-first-message must be n=,r=");
    }
    const username = unescapeSaslName(attrs[0]!.value);
    if (username === undefined) return fail("malformed-request", "invalid username encoding");
    const clientNonce = attrs[1]!.value;
    if (!isValidNonce(clientNonce)) return fail("malformed-request", "invalid nonce");
    if (!extensionsAcceptable(attrs.slice(2))) return fail("malformed-request", "duplicate or misplaced attribute");

    const binding = this.bindingFor(split.header.flag);
    if ("failure" in binding) return binding.failure;

    let creds: ScramCredentials | undefined;
    try {
      creds = await this.ctx.getScramCredentials(username, this.hash);
    } catch {
      return fail("temporary-auth-failure");
    }
    const keys = creds ? decodeStored(creds, this.hash) : this.fakeKeys(username);
    if (!keys) return fail("temporary-auth-failure");

    const serverPart = this.serverNonce();
    if (!isValidNonce(serverPart)) throw new Error("server nonce generator returned a non-printable nonce");
    const nonce = clientNonce + serverPart;
    const serverFirst = `r=${nonce},s=${keys.salt.toString("base64")},i=${keys.iterations}`;
    this.exchange = {
      gs2Header: split.header.raw,
      cbData: binding.data,
      username,
      authzid: split.header.authzid,
      nonce,
      clientFirstBare: split.bare,
      serverFirst,
      keys,
      known: creds !== undefined,
    };
    this.state = "awaiting-final";
    return { kind: "challenge", data: Buffer.from(serverFirst, "utf8") };
  }

  /** RFC 5802 §6: which gs2-cbind-flag is acceptable for this mechanism on this connection. */
  private bindingFor(flag: Gs2Flag): { data: Buffer | undefined } | { failure: SaslStep } {
    if (!this.plus) {
      if (flag.kind === "p") return { failure: fail("malformed-request", "channel binding requested with a non-PLUS mechanism") };
      // The client believes we cannot bind although we offered -PLUS: someone stripped it.
      if (flag.kind === "y" && this.ctx.plusOffered) {
        return { failure: fail("not-authorized", "channel binding downgrade detected") };
      }
      return { data: undefined };
    }
    if (flag.kind !== "p") return { failure: fail("malformed-request", "-PLUS mechanism requires p=<cb-name>") };

    const type = flag.cbName;
    // COMPAT(slixmpp 1.8.3): it sends p=tls-unique even on TLS 1.3, where RFC 9266 §3 leaves
    // tls-unique undefined. We never advertise tls-unique (XEP-0440 lists tls-exporter and
    // tls-server-end-point), but accept it whenever the caller can supply data for it; the caller
    // decides, computing it from the Finished message for interop (deps.md §3, option B).
    const advertised = this.ctx.cbTypes.includes(type);
    let data: Buffer | undefined;
    if (advertised || type === "tls-unique") {
      try {
        data = this.ctx.channelBinding(type);
      } catch {
        data = undefined;
      }
    }
    if (data && data.length > 0) return { data };
    if (advertised) return { failure: fail("temporary-auth-failure", "channel binding data unavailable") };
    return { failure: fail("malformed-request", "unsupported channel binding type") };
  }

  /**
   * AUTH-09: an unknown user sees the same exchange as a known one — a salt that is stable per
   * name (so probing twice reveals nothing), the usual iteration count — and fails at the proof,
   * after the same HMAC work, with the same condition.
   */
  private fakeKeys(username: string): KeyMaterial {
    const len = HASH_LENGTH[this.hash];
    return {
      salt: hmac("sha256", this.ctx.fakeSaltSecret, `${this.hash}\u0000${username}`).subarray(0, SALT_BYTES),
      iterations: this.ctx.fakeIterations ?? DEFAULT_ITERATIONS,
      storedKey: randomBytes(len),
      serverKey: randomBytes(len),
    };
  }

  private clientFinal(input: Buffer): SaslStep {
    const ex = this.exchange!;
    if (input.length === 0) return fail("malformed-request", "empty client-final-message");
    if (input.length > MAX_SCRAM_MESSAGE_BYTES) return fail("malformed-request", "client-final-message too long");
    const text = decodeScramText(input);
    if (text === undefined) return fail("malformed-request", "client-final-message is not valid UTF-8");

    const attrs = parseAttributes(text);
    if (!attrs) return fail("malformed-request", "invalid client-final-message");
    if (attrs[0]?.name === "m") return fail("malformed-request", "mandatory extension not supported");
    const proofAttr = attrs[attrs.length - 1]!;
    if (attrs.length < 3 || attrs[0]!.name !== "c" || attrs[1]!.name !== "r" || proofAttr.name !== "p") {
      return fail("malformed-request", "client-final-message must be c=,r=,...,p=");
    }
    if (!extensionsAcceptable(attrs.slice(2, -1))) return fail("malformed-request", "duplicate or misplaced attribute");
    const cbind = decodeBase64Strict(attrs[0]!.value);
    if (!cbind) return fail("malformed-request", "c= is not valid base64");
    const proof = decodeBase64Strict(proofAttr.value);
    if (!proof || proof.length !== HASH_LENGTH[this.hash]) return fail("malformed-request", "invalid proof encoding");

    // c= must echo the exact GS2 header bytes, plus the binding of *this* TLS connection for p=.
    const expectedCbind = Buffer.concat([Buffer.from(ex.gs2Header, "utf8"), ex.cbData ?? Buffer.alloc(0)]);
    if (!safeEqual(cbind, expectedCbind)) return fail("not-authorized", "channel binding mismatch");
    if (!safeEqual(Buffer.from(attrs[1]!.value, "utf8"), Buffer.from(ex.nonce, "utf8"))) {
      return fail("not-authorized", "nonce mismatch");
    }

    const withoutProof = text.slice(0, text.length - (proofAttr.value.length + ",p=".length));
    const authMessage = `${ex.clientFirstBare},${ex.serverFirst},${withoutProof}`;
    const clientSignature = hmac(this.hash, ex.keys.storedKey, authMessage);
    const clientKey = xor(proof, clientSignature);
    const proofValid = safeEqual(digest(this.hash, clientKey), ex.keys.storedKey);
    // Same condition and no text for "wrong password" and "no such user" (RFC 6120 §6.5, AUTH-09).
    // `known` is belt and braces: a fake user's StoredKey is random, so no proof can match it.
    if (!proofValid || !ex.known) return fail("not-authorized");

    const serverSignature = hmac(this.hash, ex.keys.serverKey, authMessage);
    const success: SaslStep = {
      kind: "success",
      data: Buffer.from(`v=${serverSignature.toString("base64")}`, "utf8"),
      username: ex.username,
    };
    if (ex.authzid !== undefined) success.authzid = ex.authzid;
    return success;
  }
}
