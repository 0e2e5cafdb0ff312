/**
 * One occupant of a room: a nickname held by one user (bare JID) through one or more of that
 * user's resources, with a role and the last presence the user sent to the room.
 *
 * References:
 * - XEP-0045 §7.2.8 (a user may join with the same nickname from several resources; in-room
 *   messages go to all of them)
 */
import type { Element } from "ltx";
import type { JID } from "../../lib/jid";
import type { Role } from "./types";

export class Occupant {
  /** Full JIDs in join order; the first is the one shown as the occupant's 'jid'. */
  readonly sessions = new Map<string, JID>();

  constructor(
    public nick: string,
    readonly bare: JID,
    public role: Role,
    /** The last presence received from any of the sessions: children only matter (show, status, caps...). */
    public presence: Element,
  ) {}

  /** Kept so the presence announcing the occupant's departure can still name its JID. */
  private first: JID | undefined;

  get jid(): JID {
    return (this.sessions.values().next().value as JID | undefined) ?? this.first!;
  }

  addSession(full: JID): void {
    if (this.sessions.size === 0) this.first = full;
    this.sessions.set(full.toString(), full);
  }

  hasSession(full: JID): boolean {
    return this.sessions.has(full.toString());
  }
}
