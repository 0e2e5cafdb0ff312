/**
 * Who may change whose role or affiliation. Pure rules, checked for every item of a request
 * before any is applied.
 *
 * References:
 * - XEP-0045 §8.2 (kick: not someone of higher affiliation: not-allowed), §8.3–§8.5 (voice: only
 *   moderators; never from admins or owners, nor from an affiliation at or above the
 *   moderator's), §9.6–§9.8 (moderator status: granted and revoked by admins, never revoked from
 *   admins or owners), §9.1 (ban: admins and owners; not of a higher affiliation: not-allowed;
 *   not oneself: conflict), §10.3–§10.8 (owner and admin lists: owners only, forbidden
 *   otherwise), §17.4 (IQ rules)
 */
import type { StanzaError } from "../../lib/errors";
import { mucError } from "./errors";
import { type Affiliation, affiliationRank as rank, type Role } from "./types";

export interface Party {
  affiliation: Affiliation;
  role: Role;
}

const privileged = (a: Affiliation) => a === "owner" || a === "admin";

export function roleChangeError(actor: Party, target: Party, next: Role): StanzaError | undefined {
  if (actor.role !== "moderator") return mucError("forbidden", "Only moderators change roles");
  if (next === "none") {
    return rank(target.affiliation) > rank(actor.affiliation) ? mucError("not-allowed", "You may not kick someone of higher affiliation") : undefined;
  }
  if (next === "moderator" || target.role === "moderator") {
    if (rank(actor.affiliation) < rank("admin")) return mucError("forbidden", "Only admins and owners grant or revoke moderator status");
    if (next !== "moderator" && privileged(target.affiliation)) return mucError("not-allowed", "Admins and owners stay moderators");
    return undefined;
  }
  if (next === "visitor" && (privileged(target.affiliation) || rank(target.affiliation) >= rank(actor.affiliation))) {
    return mucError("not-allowed", "You may not revoke voice from that occupant");
  }
  return undefined;
}

export function affiliationChangeError(actor: Affiliation, current: Affiliation, next: Affiliation, self: boolean): StanzaError | undefined {
  if (rank(actor) < rank("admin")) return mucError("forbidden", "Only admins and owners change affiliations");
  if (self && next === "outcast") return mucError("conflict", "You may not ban yourself");
  if (actor !== "owner") {
    if (privileged(next)) return mucError("forbidden", "Only owners change the admin and owner lists");
    if (privileged(current)) return mucError("not-allowed", "Only owners change an admin's or owner's affiliation");
  }
  return undefined;
}
