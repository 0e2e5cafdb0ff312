import { randomBytes } from "node:crypto";
import { el } from "../../lib/stanza";
import { parseJid } from "../../lib/jid";
import { History } from "./history";
import { Occupant } from "./occupant";
import { Room } from "./room";
import { defaultConfig } from "./types";

const make = (admins: string[] = []) => new Room(parseJid("coven@muc.example"), defaultConfig(10), new History(5), randomBytes(32), new Set(admins));

function occupant(room: Room, nick: string, full: string): Occupant {
  const o = new Occupant(nick, parseJid(full).bare, "participant", el("presence"));
  o.addSession(parseJid(full));
  room.addOccupant(o);
  return o;
}

describe("room state", () => {
  it("reads affiliations by bare JID, bans by domain, and treats service admins as owners", () => {
    const room = make(["boss@example"]);
    room.setAffiliation("hag@example", "member");
    room.setAffiliation("evil.example", "outcast");
    expect(room.affiliationOf(parseJid("hag@example/pda"))).toBe("member");
    expect(room.affiliationOf(parseJid("anyone@evil.example/x"))).toBe("outcast");
    expect(room.affiliationOf(parseJid("boss@example/x"))).toBe("owner");
    expect(room.affiliationOf(parseJid("stranger@example"))).toBe("none");
    room.setAffiliation("hag@example", "none");
    expect(room.affiliations.has("hag@example")).toBe(false);
  });

  it("finds occupants by nickname case-insensitively and by session", () => {
    const room = make();
    const o = occupant(room, "Witch", "hag@example/pda");
    expect(room.byNick("witch")).toBe(o);
    expect(room.bySessionJid(parseJid("hag@example/pda"))).toBe(o);
    room.rename(o, "Crone");
    expect(room.byNick("witch")).toBeUndefined();
    expect(room.byNick("CRONE")).toBe(o);
  });

  it("keeps an occupant until its last session leaves, and still names its JID afterwards", () => {
    const room = make();
    const o = occupant(room, "hag", "hag@example/pda");
    room.addSession(o, parseJid("hag@example/laptop"));
    expect(room.removeSession(o, parseJid("hag@example/pda"))).toBe(false);
    expect(o.jid.toString()).toBe("hag@example/laptop");
    expect(room.removeSession(o, parseJid("hag@example/laptop"))).toBe(true);
    expect(room.isEmpty).toBe(true);
    expect(o.jid.toString()).toBe("hag@example/pda");
  });

  it("knows reserved nicknames", () => {
    const room = make();
    room.setAffiliation("hag@example", "member");
    room.affiliations.get("hag@example")!.nick = "Thirdwitch";
    expect(room.reservedByOther("thirdwitch", parseJid("crone@example"))).toBe(true);
    expect(room.reservedByOther("thirdwitch", parseJid("hag@example/x"))).toBe(false);
    expect(room.reservedNick(parseJid("hag@example/x"))).toBe("Thirdwitch");
  });
});
