/**
 * SASLprep.
 *
 * References:
 * - RFC 4013 §3 (examples), §2.1–2.5; RFC 3454 tables B.1, C.*, D.1
 */
import { saslPrep, SaslPrepError } from "./saslprep";

describe("saslPrep: RFC 4013 §3 examples", () => {
  it.each([
    ["I\u00ADX", "IX"], // SOFT HYPHEN mapped to nothing
    ["user", "user"],
    ["USER", "USER"], // no case folding
    ["\u00AA", "a"], // NFKC
    ["\u2168", "IX"], // NFKC
  ])("%j → %j", (input, output) => {
    expect(saslPrep(input)).toBe(output);
  });

  it.each([
    ["\u0007", "prohibited character"],
    ["\u0627\u0031", "right-to-left"],
  ])("%j → error (%s)", (input, reason) => {
    expect(() => saslPrep(input)).toThrow(SaslPrepError);
    expect(() => saslPrep(input)).toThrow(reason);
  });
});

describe("saslPrep: mapping", () => {
  it("maps non-ASCII spaces to SPACE and drops B.1 characters", () => {
    expect(saslPrep("a\u00A0b\u3000c")).toBe("a b c");
    expect(saslPrep("a\u200Bb")).toBe("a b");
    expect(saslPrep("a\u2060\uFE0F\u200Db")).toBe("ab");
  });

  it("leaves ordinary text alone, including non-Latin letters and emoji", () => {
    expect(saslPrep("pässwörd")).toBe("pässwörd");
    expect(saslPrep("пароль")).toBe("пароль");
    expect(saslPrep("🔑key")).toBe("🔑key");
    expect(saslPrep("")).toBe("");
  });
});

describe("saslPrep: prohibited output", () => {
  it.each([
    ["ASCII control (C.2.1)", "a\u0000b"],
    ["DEL (C.2.1)", "a\u007F"],
    ["C1 control (C.2.2)", "a\u0085"],
    ["line separator (C.2.2)", "a\u2028b"],
    ["private use (C.3)", "a\uE000"],
    ["supplementary private use (C.3)", "a\u{F0000}"],
    ["non-character (C.4)", "a\uFDD0"],
    ["lone surrogate (C.5)", "a\uD800b"],
    ["replacement character (C.6)", "a\uFFFD"],
    ["ideographic description (C.7)", "a\u2FF0"],
    ["LTR mark (C.8)", "a\u200Eb"],
    ["tag character (C.9)", "a\u{E0041}"],
  ])("%s", (_label, input) => {
    expect(() => saslPrep(input)).toThrow(SaslPrepError);
  });

  it("refuses unassigned code points unless allowed (RFC 3454 §7)", () => {
    const unassigned = "a\u0378"; // Greek block gap
    expect(() => saslPrep(unassigned)).toThrow(/unassigned/);
    expect(saslPrep(unassigned, { allowUnassigned: true })).toBe(unassigned);
  });

  it("never echoes the input in the error", () => {
    expect(() => saslPrep("secret\u0007")).toThrow(expect.objectContaining({ message: expect.not.stringContaining("secret") }));
  });
});

describe("saslPrep: bidi (RFC 3454 §6)", () => {
  it("accepts pure right-to-left text", () => {
    expect(saslPrep("\u05D0\u05D1\u05D2")).toBe("\u05D0\u05D1\u05D2");
    expect(saslPrep("\u0627\u0031\u0628")).toBe("\u0627\u0031\u0628");
  });

  it("refuses mixed RandALCat and LCat", () => {
    expect(() => saslPrep("\u05D0a\u05D1")).toThrow(/mixed/);
  });

  it("refuses right-to-left text not starting and ending with RandALCat", () => {
    expect(() => saslPrep("1\u05D0")).toThrow(SaslPrepError);
  });
});
