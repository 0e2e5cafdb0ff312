/**
 * XEP-0421 occupant identifiers: stable per real bare JID within one room, unlinkable across
 * rooms, and not reversible to the JID (an HMAC under a secret kept with the room).
 *
 * References:
 * - XEP-0421 §4.1 (stable, unique, pseudonymous; at most 128 characters; HMAC with a per-room key)
 */
import { createHmac } from "node:crypto";
import type { JID } from "../../lib/jid";

export function occupantId(roomSecret: Buffer, user: JID): string {
  return createHmac("sha256", roomSecret).update(user.bare.toString(), "utf8").digest("base64url");
}
