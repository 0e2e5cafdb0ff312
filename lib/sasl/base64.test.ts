/**
 * Strict base64.
 *
 * References:
 * - RFC 6120 §6.4.2, §6.5.4; RFC 4648 §3.3, §3.5, §4; reliability.md AUTH-07
 */
import { decodeBase64Strict, decodeSaslBase64, encodeSaslBase64 } from "./base64";

describe("decodeSaslBase64", () => {
  it("decodes canonical padded base64", () => {
    expect(decodeSaslBase64("biwsbj11c2VyLHI9YWJj")?.toString()).toBe("n,,n=user,r=abc");
    expect(decodeSaslBase64("YQ==")?.toString()).toBe("a");
    expect(decodeSaslBase64("YWI=")?.toString()).toBe("ab");
    expect(decodeSaslBase64("+/+/")).toEqual(Buffer.from([0xfb, 0xff, 0xbf]));
  });

  it("treats '=' (and empty text) as zero-length data (RFC 6120 §6.4.2)", () => {
    expect(decodeSaslBase64("=")).toEqual(Buffer.alloc(0));
    expect(decodeSaslBase64("")).toEqual(Buffer.alloc(0));
  });

  it.each([
    ["missing padding", "YQ"],
    ["too much padding", "YQ==="],
    ["padding in the middle", "YQ==YQ=="],
    ["'=' misuse", "=="],
    ["'=' misuse", "a="],
    ["non-alphabet character", "Y*=="],
    ["base64url alphabet", "-_-_"],
    ["whitespace", "YW Jj"],
    ["line break", "YWJj\nYWJj"],
    ["non-zero pad bits (non-canonical)", "YR=="],
    ["non-zero pad bits (non-canonical)", "YWJ="],
    ["non-ASCII", "YWJjé==="],
  ])("rejects %s: %j (→ incorrect-encoding)", (_label, text) => {
    expect(decodeSaslBase64(text)).toBeUndefined();
  });

  it("copes with a 1 MB payload", () => {
    const big = Buffer.alloc(1 << 20, 1);
    expect(decodeSaslBase64(big.toString("base64"))).toEqual(big);
    expect(decodeSaslBase64(`${big.toString("base64")}!`)).toBeUndefined();
  });
});

describe("decodeBase64Strict", () => {
  it("does not give '=' a special meaning", () => {
    expect(decodeBase64Strict("=")).toBeUndefined();
  });
});

describe("encodeSaslBase64", () => {
  it("sends zero-length data as '='", () => {
    expect(encodeSaslBase64(Buffer.alloc(0))).toBe("=");
    expect(encodeSaslBase64(Buffer.from("a"))).toBe("YQ==");
  });
});
