/** What every part of the MUC service shares: the way out, options, the log and the rooms. */
import type { Element } from "ltx";
import type { Logger } from "../../lib/log";
import type { MucOptions } from "./options";
import type { RoomRegistry } from "./registry";

export interface MucContext {
  readonly options: MucOptions;
  readonly log: Logger;
  readonly rooms: RoomRegistry;
  /** Posts a stanza the room generated (to and from set). */
  send(stanza: Element): void;
}
