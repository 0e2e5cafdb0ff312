import { StanzaError } from "../../lib/errors";
import { applyConfig, configForm } from "./config-form";
import { readSubmission } from "./dataform";
import { defaultConfig, type RoomConfig } from "./types";

const submit = (current: RoomConfig, fields: Record<string, string | string[]>) =>
  applyConfig(current, new Map(Object.entries(fields).map(([k, v]) => [k, Array.isArray(v) ? v : [v]])), 100);

function condition(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof StanzaError) return err.condition;
    throw err;
  }
  return undefined;
}

describe("muc#roomconfig (XEP-0045 §10.1.3)", () => {
  const base = defaultConfig(100);

  it("renders the current settings, which read back unchanged", () => {
    const config = { ...base, name: "Coven", persistent: true, password: "cauldron", maxUsers: 20, whois: "anyone" as const };
    const form = configForm(config, "coven@muc", 100);
    const fields = readSubmission(form).fields;
    expect(fields.get("FORM_TYPE")).toEqual(["http://jabber.org/protocol/muc#roomconfig"]);
    expect(fields.get("muc#roomconfig_passwordprotectedroom")).toEqual(["1"]);
    expect(fields.get("muc#roomconfig_maxusers")).toEqual(["20"]);
    expect(applyConfig(base, fields, 100)).toEqual(config);
  });

  it("changes only the fields submitted", () => {
    expect(submit(base, { "muc#roomconfig_roomname": "Heath", "muc#roomconfig_membersonly": "true" })).toEqual({ ...base, name: "Heath", membersOnly: true });
  });

  it("sets and clears the password", () => {
    const locked = submit(base, { "muc#roomconfig_roomsecret": "pw" });
    expect(locked.password).toBe("pw");
    expect(submit(locked, { "muc#roomconfig_passwordprotectedroom": "0" }).password).toBe("");
    expect(condition(() => submit(base, { "muc#roomconfig_passwordprotectedroom": "1" }))).toBe("not-acceptable");
  });

  it("maps maxusers none to the service ceiling and refuses more", () => {
    expect(submit(base, { "muc#roomconfig_maxusers": "none" }).maxUsers).toBe(100);
    expect(submit(base, { "muc#roomconfig_maxusers": "7" }).maxUsers).toBe(7);
    expect(condition(() => submit(base, { "muc#roomconfig_maxusers": "101" }))).toBe("not-acceptable");
  });

  it("refuses bad values and foreign forms", () => {
    expect(condition(() => submit(base, { "muc#roomconfig_whois": "none" }))).toBe("not-acceptable");
    expect(condition(() => submit(base, { "muc#roomconfig_persistentroom": "yes" }))).toBe("not-acceptable");
    expect(condition(() => submit(base, { "muc#roomconfig_roomdesc": "x".repeat(1001) }))).toBe("not-acceptable");
    expect(condition(() => submit(base, { FORM_TYPE: "urn:other" }))).toBe("bad-request");
  });
});
