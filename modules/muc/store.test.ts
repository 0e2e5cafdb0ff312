import { randomBytes } from "node:crypto";
import { parseJid } from "../../lib/jid";
import { MemoryDriver } from "../../lib/storage/memory";
import type { Json } from "../../lib/storage/types";
import { History } from "./history";
import { Room } from "./room";
import { decodeRoom, RoomStore } from "./store";
import { defaultConfig } from "./types";

function room(): Room {
  const r = new Room(parseJid("coven@muc.example"), { ...defaultConfig(100), name: "Coven", persistent: true, membersOnly: true }, new History(5), randomBytes(32), new Set());
  r.setAffiliation("crone@example", "owner");
  r.setAffiliation("hag@example", "member");
  r.setAffiliation("evil.example", "outcast", "spam");
  r.subject = { text: "Spells", nick: "crone", occupantId: "abc", at: new Date(Date.UTC(2024, 1, 2)) };
  return r;
}

describe("persistent room storage", () => {
  it("round-trips configuration, affiliations, subject and the occupant-id key", async () => {
    const driver = new MemoryDriver();
    await driver.open();
    const store = new RoomStore(driver.map<Json>("muc.example", "muc_rooms"));
    const r = room();
    await store.save(r);
    const all = await store.loadAll();
    const back = decodeRoom(all.get("coven")!, 100);
    expect(back.config).toEqual(r.config);
    expect(back.affiliations).toEqual([
      ["crone@example", { affiliation: "owner", nick: undefined, reason: undefined }],
      ["hag@example", { affiliation: "member", nick: undefined, reason: undefined }],
      ["evil.example", { affiliation: "outcast", nick: undefined, reason: "spam" }],
    ]);
    expect(back.subject).toEqual(r.subject);
    expect(back.secret.equals(r.secret)).toBe(true);
    await store.delete("coven");
    expect((await store.loadAll()).size).toBe(0);
  });

  it("keeps defaults for damaged settings and caps maxUsers", () => {
    const back = decodeRoom({ v: 1, secret: "AAAA", config: { name: 5, persistent: true, maxUsers: 1e9 }, affiliations: [["x@y", { affiliation: "king" }], "junk"], subject: 3 }, 50);
    expect(back.config.name).toBe("");
    expect(back.config.persistent).toBe(true);
    expect(back.config.maxUsers).toBe(50);
    expect(back.affiliations).toEqual([]);
    expect(back.subject).toBeUndefined();
    expect(() => decodeRoom({ v: 2 }, 50)).toThrow();
  });
});
