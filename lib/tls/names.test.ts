import { dnsNameMatches, normalizePresentedDns, toALabel } from "./names";

describe("toALabel", () => {
  test.each([
    ["Example.COM", "example.com"],
    ["example.com.", "example.com"],
    ["bücher.example", "xn--bcher-kva.example"],
    ["XN--BCHER-KVA.example", "xn--bcher-kva.example"],
    ["localhost", "localhost"],
  ])("%s → %s", (input, out) => {
    expect(toALabel(input)).toBe(out);
  });

  test.each(["", "a/b", "x@example.com", "example.com:5222", "*.example.com", "a..b", "-a.example", "exa mple.com", "a\\b"])(
    "refuses %j",
    (input) => {
      expect(toALabel(input)).toBeUndefined();
    },
  );
});

describe("normalizePresentedDns", () => {
  test("lowercases and keeps a whole-label wildcard", () => {
    expect(normalizePresentedDns("*.Example.COM")).toBe("*.example.com");
    expect(normalizePresentedDns("A.Example.com.")).toBe("a.example.com");
  });
  test("refuses U-labels (dNSName is IA5String) and junk", () => {
    expect(normalizePresentedDns("bücher.example")).toBeUndefined();
    expect(normalizePresentedDns("a b.example")).toBeUndefined();
    expect(normalizePresentedDns("")).toBeUndefined();
  });
});

describe("dnsNameMatches (RFC 9525 §6.3)", () => {
  test.each([
    ["example.com", "example.com", true],
    ["example.com", "a.example.com", false],
    ["*.example.com", "a.example.com", true],
    ["*.example.com", "example.com", false],
    ["*.example.com", "a.b.example.com", false],
    ["*.example.com", ".example.com", false],
    ["a*.example.com", "ab.example.com", false],
    ["*a.example.com", "ba.example.com", false],
    ["xn--*.example.com", "xn--bcher-kva.example.com", false],
    ["a.*.example.com", "a.b.example.com", false],
    ["*.*.example.com", "a.b.example.com", false],
    ["*.com", "example.com", false],
    ["*", "example", false],
  ])("%s vs %s → %s", (presented, reference, expected) => {
    expect(dnsNameMatches(presented, reference)).toBe(expected);
  });
});
