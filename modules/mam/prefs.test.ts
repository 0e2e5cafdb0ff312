import { StanzaError } from "../../lib/errors";
import { parseJid } from "../../lib/jid";
import { MemoryDriver } from "../../lib/storage/memory";
import { decodeMessage } from "../offline/codec";
import { parsePrefs, Prefs, prefsAllow, prefsElement } from "./prefs";
import { PrefsStore } from "./prefs-store";

const prefsEl = (xml: string) => decodeMessage({ v: 1, xml: `<message>${xml}</message>` }).getChild("prefs")!;

describe("archiving preferences", () => {
  it("parses, normalizes and serializes; never wins over always", () => {
    const p = parsePrefs(prefsEl("<prefs xmlns='urn:xmpp:mam:2' default='roster'><always><jid>Romeo@Montague.lit</jid><jid>nurse@capulet.lit</jid></always><never><jid>nurse@capulet.lit</jid><jid>tybalt@capulet.lit/sword</jid></never></prefs>"), 10);
    expect(p).toEqual({ default: "roster", always: ["romeo@montague.lit"], never: ["nurse@capulet.lit", "tybalt@capulet.lit/sword"] });
    expect(prefsElement(p).toString()).toBe(
      "<prefs xmlns=\"urn:xmpp:mam:2\" default=\"roster\"><always><jid>romeo@montague.lit</jid></always><never><jid>nurse@capulet.lit</jid><jid>tybalt@capulet.lit/sword</jid></never></prefs>",
    );
    expect(prefsElement({ default: "always", always: [], never: [] }).toString()).toBe('<prefs xmlns="urn:xmpp:mam:2" default="always"><always/><never/></prefs>');
  });

  it("refuses bad defaults, bad JIDs and overlong lists", () => {
    const cond = (xml: string) => {
      try {
        parsePrefs(prefsEl(xml), 2);
        return "none";
      } catch (err) {
        return (err as StanzaError).condition;
      }
    };
    expect(cond("<prefs xmlns='urn:xmpp:mam:2'/>")).toBe("bad-request");
    expect(cond("<prefs xmlns='urn:xmpp:mam:2' default='sometimes'/>")).toBe("bad-request");
    expect(cond("<prefs xmlns='urn:xmpp:mam:2' default='never'><always><jid>a@@b</jid></always></prefs>")).toBe("jid-malformed");
    expect(cond("<prefs xmlns='urn:xmpp:mam:2' default='never'><always><jid>a@b</jid><jid>c@b</jid><jid>d@b</jid></always></prefs>")).toBe("policy-violation");
  });

  it("matches bare entries against any resource and full entries exactly; asks the roster only for 'roster'", async () => {
    const p: Prefs = { default: "roster", always: ["a@x", "c@x/desk"], never: ["b@x", "a@x/secret"] };
    const roster = jest.fn(async (bare: string) => bare === "r@x");
    const allow = (jid: string) => prefsAllow(p, parseJid(jid), roster);
    expect(await allow("a@x/phone")).toBe(true);
    expect(await allow("a@x/secret")).toBe(false);
    expect(await allow("b@x")).toBe(false);
    expect(await allow("c@x/desk")).toBe(true);
    expect(roster).not.toHaveBeenCalled();
    expect(await allow("c@x/phone")).toBe(false);
    expect(await allow("r@x/any")).toBe(true);
    expect(roster).toHaveBeenLastCalledWith("r@x");
    expect(await prefsAllow({ ...p, default: "always" }, parseJid("z@x"), roster)).toBe(true);
    expect(await prefsAllow({ ...p, default: "never" }, parseJid("r@x"), roster)).toBe(false);
  });

  it("stores per account with the host default for accounts without prefs", async () => {
    const driver = new MemoryDriver();
    await driver.open();
    const kv = driver.keyval<Prefs>("localhost", "mam_prefs");
    const store = new PrefsStore(kv, "never");
    expect(await store.get("u")).toEqual({ default: "never", always: [], never: [] });
    await store.set("u", { default: "always", always: [], never: ["b@x"] });
    expect(await store.get("u")).toEqual({ default: "always", always: [], never: ["b@x"] });
    expect(await new PrefsStore(kv, "never").get("u")).toEqual({ default: "always", always: [], never: ["b@x"] });
    await driver.deleteUser("localhost", "u");
    store.forget("u");
    expect((await store.get("u")).default).toBe("never");
  });
});
