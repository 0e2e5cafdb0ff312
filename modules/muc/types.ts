/**
 * Affiliations, roles and room configuration: the vocabulary of the room model.
 *
 * References:
 * - XEP-0045 §5.1 (roles), §5.2 (affiliations), §5.1.2 (default roles per affiliation and room type)
 * - XEP-0045 §10.1.3 (the configuration options), §16.5.3 (muc#roomconfig fields)
 */
export type Affiliation = "owner" | "admin" | "member" | "none" | "outcast";
export type Role = "moderator" | "participant" | "visitor" | "none";
export type Whois = "moderators" | "anyone";
export type AllowPm = "anyone" | "participants" | "moderators" | "none";

export const AFFILIATIONS: readonly Affiliation[] = ["owner", "admin", "member", "none", "outcast"];
export const ROLES: readonly Role[] = ["moderator", "participant", "visitor", "none"];

const AFFILIATION_RANK: Record<Affiliation, number> = { outcast: 0, none: 1, member: 2, admin: 3, owner: 4 };
const ROLE_RANK: Record<Role, number> = { none: 0, visitor: 1, participant: 2, moderator: 3 };

export function affiliationRank(a: Affiliation): number {
  return AFFILIATION_RANK[a];
}

export function roleRank(r: Role): number {
  return ROLE_RANK[r];
}

export interface RoomConfig {
  name: string;
  description: string;
  lang: string;
  persistent: boolean;
  public: boolean;
  membersOnly: boolean;
  moderated: boolean;
  /** Empty: no password. */
  password: string;
  whois: Whois;
  maxUsers: number;
  changeSubject: boolean;
  allowInvites: boolean;
  allowPm: AllowPm;
}

/** A temporary, public, open, unmoderated, semi-anonymous room: what an instant room gets. */
export function defaultConfig(maxUsers: number): RoomConfig {
  return {
    name: "",
    description: "",
    lang: "",
    persistent: false,
    public: true,
    membersOnly: false,
    moderated: false,
    password: "",
    whois: "moderators",
    maxUsers,
    changeSubject: false,
    allowInvites: false,
    allowPm: "anyone",
  };
}

/** An affiliation other than "none", kept per bare JID (or domain, for bans). */
export interface AffiliationEntry {
  affiliation: Exclude<Affiliation, "none">;
  /** A reserved nickname (members and above). */
  nick?: string;
  reason?: string;
}

/** §5.1.2: owners and admins moderate, visitors only in moderated rooms, outcasts never enter. */
export function defaultRole(affiliation: Affiliation, config: RoomConfig): Role {
  if (affiliation === "owner" || affiliation === "admin") return "moderator";
  if (affiliation === "outcast") return "none";
  if (affiliation === "member") return "participant";
  return config.moderated ? "visitor" : "participant";
}
