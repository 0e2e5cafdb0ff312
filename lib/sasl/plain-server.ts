/**
 * Server side of PLAIN.
 *
 * References:
 * - RFC 4616 §2 (message = [authzid] UTF8NUL authcid UTF8NUL passwd; each field MUST be accepted
 *   up to 255 octets), §4 (server checks), §5 (security: only over TLS)
 * - RFC 6120 §6.4.2 (empty challenge when no initial response), §6.5.3 (<encryption-required/>),
 *   §13.8 (no password-revealing mechanism without TLS)
 * - reliability.md AUTH-01, AUTH-02, AUTH-07, AUTH-09
 */
import type { SaslCondition, SaslServerContext, SaslServerMechanism, SaslStep } from "./types";

/** RFC 4616 §2 requires accepting 255 octets per field; we accept up to this many. */
export const MAX_PLAIN_FIELD_BYTES = 1023;
const MAX_PLAIN_MESSAGE_BYTES = 3 * MAX_PLAIN_FIELD_BYTES + 2;
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function fail(condition: SaslCondition, text?: string): SaslStep {
  return text === undefined ? { kind: "failure", condition } : { kind: "failure", condition, text };
}

function decodeField(bytes: Buffer): string | undefined {
  if (bytes.length > MAX_PLAIN_FIELD_BYTES) return undefined;
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

export interface PlainMessage {
  authzid?: string;
  authcid: string;
  password: string;
}

/** Parse `[authzid] NUL authcid NUL passwd` strictly; undefined for anything else. */
export function parsePlainMessage(input: Buffer): PlainMessage | undefined {
  if (input.length > MAX_PLAIN_MESSAGE_BYTES) return undefined;
  const nul1 = input.indexOf(0);
  if (nul1 < 0) return undefined;
  const nul2 = input.indexOf(0, nul1 + 1);
  if (nul2 < 0 || input.indexOf(0, nul2 + 1) >= 0) return undefined;

  const authzid = decodeField(input.subarray(0, nul1));
  const authcid = decodeField(input.subarray(nul1 + 1, nul2));
  const password = decodeField(input.subarray(nul2 + 1));
  if (authzid === undefined || authcid === undefined || password === undefined) return undefined;
  if (authcid === "" || password === "") return undefined;
  return authzid === "" ? { authcid, password } : { authzid, authcid, password };
}

export class PlainServerMechanism implements SaslServerMechanism {
  readonly name = "PLAIN";
  private state: "initial" | "awaiting-response" | "done" = "initial";

  constructor(private readonly ctx: SaslServerContext) {}

  async step(input: Buffer): Promise<SaslStep> {
    if (this.state === "done") return fail("malformed-request", "unexpected response");
    // Refuse before looking at the payload: the password has already crossed the wire in clear,
    // and checking it would turn this into an oracle for a passive attacker.
    if (!this.ctx.secure) {
      this.state = "done";
      return fail("encryption-required");
    }
    if (input.length === 0 && this.state === "initial") {
      this.state = "awaiting-response";
      return { kind: "challenge", data: Buffer.alloc(0) };
    }
    // "done" before the await, so an overlapping step() cannot start a second check.
    this.state = "done";
    const msg = parsePlainMessage(input);
    if (!msg) return fail("malformed-request", "expected [authzid] NUL authcid NUL password");

    let ok: boolean;
    try {
      ok = await this.ctx.checkPassword(msg.authcid, msg.password);
    } catch {
      return fail("temporary-auth-failure");
    }
    if (ok !== true) return fail("not-authorized");
    const success: SaslStep = { kind: "success", username: msg.authcid };
    if (msg.authzid !== undefined) success.authzid = msg.authzid;
    return success;
  }
}
