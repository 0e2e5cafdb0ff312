/** The MUC service's options (set in the component's block of the configuration file). */
import { opt, type OptionsOf } from "../../lib/config/options";

export const MUC_OPTIONS = {
  muc_service_name: opt.string("Chatrooms", "Name of the MUC service in its disco#info identity and in the server's disco#items."),
  muc_max_history: opt.integer(50, "Messages each room keeps (in memory) as discussion history; also the most a joining occupant may ask for.", { min: 0, max: 1000 }),
  muc_default_history: opt.integer(20, "History messages sent to a joining occupant that does not say how many it wants (never more than muc_max_history).", { min: 0, max: 1000 }),
  muc_room_locking: opt.boolean(false, "Lock a new room until its creator submits the configuration form (XEP-0045 reserved room). When false, a new room is an instant room, open at once."),
  muc_restrict_room_creation: opt.boolean(false, "Only the JIDs in muc_admins may create rooms."),
  muc_admins: opt.stringList([], "Bare JIDs that own every room of the service (configure, destroy, moderate) and may create rooms when creation is restricted."),
  muc_max_rooms: opt.integer(10000, "Rooms the service holds at once; creating more is refused.", { min: 1 }),
  muc_max_occupants: opt.integer(500, "Occupants one room may hold: the default and the ceiling of each room's maximum-users setting.", { min: 1, max: 100000 }),
};

export type MucOptions = OptionsOf<typeof MUC_OPTIONS>;
