/** Node configuration forms: parsing, preconditions (XEP-0060 §7.1.5) and what storage may hold. */
import { configFromJson, DEFAULT_CONFIG, meetsPreconditions, parseConfigFields, withConfig } from "./config";
import type { SubmittedForm } from "./forms";

const limits = { maxItems: 10, maxText: 100 };
const form = (fields: Record<string, string[]>): SubmittedForm => ({ formType: undefined, fields: new Map(Object.entries(fields)) });

describe("node configuration", () => {
  it("parses the fields it knows, booleans in both spellings, max_items as a number or max", () => {
    expect(parseConfigFields(form({ "pubsub#persist_items": ["true"], "pubsub#deliver_payloads": ["0"], "pubsub#max_items": ["max"] }), limits)).toEqual({
      persist_items: true,
      deliver_payloads: false,
      max_items: "max",
    });
    expect(parseConfigFields(form({ "pubsub#max_items": ["7"], "pubsub#access_model": ["whitelist"] }), limits)).toEqual({ max_items: 7, access_model: "whitelist" });
  });

  it("refuses unknown fields, values out of range, and several values for a single field", () => {
    expect(() => parseConfigFields(form({ "pubsub#collection": ["x"] }), limits)).toThrow(/Unsupported/);
    expect(() => parseConfigFields(form({ "pubsub#max_items": ["11"] }), limits)).toThrow(/Unacceptable/);
    expect(() => parseConfigFields(form({ "pubsub#max_items": ["0"] }), limits)).toThrow(/Unacceptable/);
    expect(() => parseConfigFields(form({ "pubsub#persist_items": ["yes"] }), limits)).toThrow(/Unacceptable/);
    expect(() => parseConfigFields(form({ "pubsub#access_model": ["open", "presence"] }), limits)).toThrow(/Unacceptable/);
  });

  it("a precondition is met by the same value; max equals the limit; groups compare as sets", () => {
    const c = withConfig(DEFAULT_CONFIG, { max_items: 10, roster_groups_allowed: ["a", "b"] });
    expect(meetsPreconditions(c, { max_items: "max" }, limits)).toBe(true);
    expect(meetsPreconditions(c, { max_items: 9 }, limits)).toBe(false);
    expect(meetsPreconditions(c, { roster_groups_allowed: ["b", "a"] }, limits)).toBe(true);
    expect(meetsPreconditions(c, { access_model: "open" }, limits)).toBe(false);
    expect(meetsPreconditions(c, {}, limits)).toBe(true);
  });

  it("stored configuration goes through the same checks: a bad row falls back to the (restrictive) defaults", () => {
    expect(configFromJson({ access_model: "everyone", max_items: 500, persist_items: false }, limits)).toMatchObject({ access_model: "presence", max_items: 500, persist_items: false });
    expect(configFromJson("junk", limits)).toEqual(DEFAULT_CONFIG);
  });
});
