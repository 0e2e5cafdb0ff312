/**
 * A room's state: configuration, affiliations, occupants by nickname and by real JID, subject and
 * history. It answers questions about that state and changes it; it sends nothing itself.
 *
 * References:
 * - XEP-0045 §5.2 (affiliations belong to bare JIDs and outlive visits), §9.1 (a ban matches the
 *   bare JID or the whole domain)
 * - XEP-0045 §7.2.8 (nickname conflicts; how they are compared is up to the service: we compare
 *   case-insensitively so "Alice" cannot pose as "alice")
 * - XEP-0045 §10 (every room has at least one owner)
 */
import type { JID } from "../../lib/jid";
import { History } from "./history";
import type { Occupant } from "./occupant";
import type { Affiliation, AffiliationEntry, RoomConfig } from "./types";

export interface Subject {
  text: string;
  /** The nickname that set it, if any, and that occupant's XEP-0421 id. */
  nick?: string;
  occupantId?: string;
  at: Date;
}

export function foldNick(nick: string): string {
  return nick.normalize("NFC").toLowerCase();
}

export class Room {
  readonly affiliations = new Map<string, AffiliationEntry>();
  readonly occupants = new Map<string, Occupant>();
  private readonly folded = new Map<string, Occupant>();
  private readonly bySession = new Map<string, Occupant>();
  subject: Subject | undefined;
  /** Set while a reserved room waits for its first configuration (§10.1.1): only owners enter. */
  locked = false;
  /** Whether a copy of this room is in storage (it was persistent at some point). */
  stored = false;
  destroyed = false;

  constructor(
    readonly jid: JID,
    public config: RoomConfig,
    readonly history: History,
    /** Key for XEP-0421 occupant ids, kept with the room so ids are stable across restarts. */
    readonly secret: Buffer,
    private readonly serviceAdmins: ReadonlySet<string>,
  ) {}

  affiliationOf(user: JID): Affiliation {
    const bare = user.bare.toString();
    if (this.serviceAdmins.has(bare)) return "owner";
    const own = this.affiliations.get(bare)?.affiliation;
    if (own) return own;
    return this.affiliations.get(user.domain)?.affiliation === "outcast" ? "outcast" : "none";
  }

  setAffiliation(bare: string, affiliation: Affiliation, reason?: string): void {
    if (affiliation === "none") {
      this.affiliations.delete(bare);
      return;
    }
    const nick = affiliation === "outcast" ? undefined : this.affiliations.get(bare)?.nick;
    this.affiliations.set(bare, { affiliation, nick, reason });
  }

  owners(): string[] {
    return [...this.affiliations].filter(([, e]) => e.affiliation === "owner").map(([j]) => j);
  }

  /** The user holding this nickname as a reservation, if it is not `user`. */
  reservedByOther(nick: string, user: JID): boolean {
    const f = foldNick(nick);
    const bare = user.bare.toString();
    for (const [jid, e] of this.affiliations) if (e.nick !== undefined && jid !== bare && foldNick(e.nick) === f) return true;
    return false;
  }

  reservedNick(user: JID): string | undefined {
    return this.affiliations.get(user.bare.toString())?.nick;
  }

  byNick(nick: string): Occupant | undefined {
    return this.occupants.get(nick) ?? this.folded.get(foldNick(nick));
  }

  bySessionJid(full: JID): Occupant | undefined {
    return this.bySession.get(full.toString());
  }

  /** Occupants of this user (one per nickname the user holds). */
  byUser(user: JID): Occupant[] {
    const bare = user.bare.toString();
    return [...this.occupants.values()].filter((o) => o.bare.toString() === bare);
  }

  addOccupant(o: Occupant): void {
    this.occupants.set(o.nick, o);
    this.folded.set(foldNick(o.nick), o);
    for (const s of o.sessions.keys()) this.bySession.set(s, o);
  }

  addSession(o: Occupant, full: JID): void {
    o.addSession(full);
    this.bySession.set(full.toString(), o);
  }

  /** Removes one session; the occupant goes too when it was the last. Returns whether it went. */
  removeSession(o: Occupant, full: JID): boolean {
    o.sessions.delete(full.toString());
    this.bySession.delete(full.toString());
    if (o.sessions.size > 0) return false;
    this.removeOccupant(o);
    return true;
  }

  removeOccupant(o: Occupant): void {
    this.occupants.delete(o.nick);
    this.folded.delete(foldNick(o.nick));
    for (const s of o.sessions.keys()) this.bySession.delete(s);
  }

  rename(o: Occupant, nick: string): void {
    this.occupants.delete(o.nick);
    this.folded.delete(foldNick(o.nick));
    o.nick = nick;
    this.occupants.set(nick, o);
    this.folded.set(foldNick(nick), o);
  }

  occupantJid(o: Occupant): JID {
    return this.jid.withResource(o.nick);
  }

  get isEmpty(): boolean {
    return this.occupants.size === 0;
  }
}
