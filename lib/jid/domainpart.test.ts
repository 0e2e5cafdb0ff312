/**
 * References:
 * - RFC 7622 §3.2 (domainpart), §3.2.1–§3.2.2 (U-labels, mappings)
 * - RFC 5890 §2.3.1, RFC 5891 §4.2.3, RFC 5892, RFC 5893 §2 (IDNA2008)
 * - RFC 3986 §3.2.2 (IP literals), RFC 1034 §3.1 / RFC 1035 §2.3.4 (lengths)
 */

import { JidError, prepDomain } from "./index";

function reason(s: string): string {
  try {
    prepDomain(s);
  } catch (err) {
    if (err instanceof JidError) {
      expect(err.part).toBe("domainpart");
      return err.message;
    }
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(s)} to be rejected`);
}

describe("ASCII host names", () => {
  test.each([
    ["example.com", "example.com"],
    ["EXAMPLE.COM", "example.com"],
    ["EXAMPLE.COM.", "example.com"], // one final dot is stripped first (RFC 7622 §3.2)
    ["localhost", "localhost"],
    ["a-b.c0.example", "a-b.c0.example"],
    ["xmpp1.example", "xmpp1.example"],
  ])("%j prepares to %j", (input, output) => {
    expect(prepDomain(input)).toBe(output);
  });

  test.each([
    ["", /is empty/],
    [".", /is empty once the final '.' is stripped/],
    ["example.com..", /empty label/],
    ["a..b", /empty label/],
    [".example", /empty label/],
    ["-a.example", /starts or ends with '-'/],
    ["a-.example", /starts or ends with '-'/],
    ["ab--cd.example", /reserved R-LDH label/],
    ["_xmpp.example", /only letters, digits and '-'/],
    ["a!b.example", /only letters, digits and '-'/],
    ["a b.example", /UTS #46 processing failed/],
    ["example.com:5222", /UTS #46 processing failed/],
    ["ex@mple.com", /must not contain '@'/],
    ["ex/mple.com", /must not contain '\/'/],
    ["__proto__", /only letters, digits and '-'/],
  ])("%j is rejected", (input, why) => {
    expect(reason(input)).toMatch(why);
  });

  test("an all-numeric last label is not a host name (it would read as IPv4)", () => {
    expect(reason("123")).toMatch(/all digits/);
    expect(reason("1.2.3")).toMatch(/all digits/);
    expect(reason("example.123")).toMatch(/all digits|UTS #46/);
    expect(reason("192.0.2.01")).toMatch(/all digits/);
    expect(reason("256.0.0.1")).toMatch(/all digits/);
    expect(reason("1.2.3.4.5")).toMatch(/all digits/);
  });

  test("labels are at most 63 octets and names at most 253", () => {
    expect(prepDomain("a".repeat(63) + ".example")).toHaveLength(71);
    expect(reason("a".repeat(64) + ".example")).toMatch(/label longer than 63/);
    const longest = ["a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61)].join(".");
    expect(prepDomain(longest)).toBe(longest);
    expect(prepDomain(longest + ".")).toBe(longest);
    expect(reason(longest + "d")).toMatch(/longer than 253/);
  });
});

describe("internationalized domain names", () => {
  test.each([
    ["\u4f8b\u5b50.\u6d4b\u8bd5", "\u4f8b\u5b50.\u6d4b\u8bd5"],
    ["xn--fsqu00a.xn--0zwm56d", "\u4f8b\u5b50.\u6d4b\u8bd5"], // A-labels become U-labels
    ["XN--BCHER-KVA.example", "b\u00fccher.example"],
    ["B\u00dcCHER.example", "b\u00fccher.example"], // case mapping
    ["BU\u0308CHER.example", "b\u00fccher.example"], // NFC
    ["\uff25\uff38\uff21\uff2d\uff30\uff2c\uff25\u3002com", "example.com"], // width, ideographic full stop
    ["fa\u00df.de", "fa\u00df.de"], // nontransitional: ß is kept
    ["xn--fa-hia.de", "fa\u00df.de"],
    ["\u0131.example", "\u0131.example"],
    ["\u13a0.example", "\u13a0.example"], // Cherokee capital letters fold to themselves
    ["\uab70.example", "\u13a0.example"], // ...and small ones fold to capitals
    ["l\u00b7l.example", "l\u00b7l.example"], // CONTEXTO satisfied
    ["\u0375\u03b1.example", "\u0375\u03b1.example"],
    ["\u30ab\u30fba.example", "\u30ab\u30fba.example"],
    ["\u0915\u094d\u200d\u0937.example", "\u0915\u094d\u200d\u0937.example"], // CONTEXTJ satisfied
  ])("%j prepares to %j", (input, output) => {
    expect(prepDomain(input)).toBe(output);
  });

  test("A-label length is what DNS limits, not the U-label length", () => {
    // 57 × é encodes to a 63-octet A-label; 58 do not fit.
    expect(prepDomain("\u00e9".repeat(57) + ".example")).toBe("\u00e9".repeat(57) + ".example");
    expect(reason("\u00e9".repeat(58) + ".example")).toMatch(/label longer than 63/);
  });

  test.each([
    ["\u265a.example", /U\+265A is DISALLOWED in IDNA2008/], // UTS #46 allows symbols, IDNA2008 does not
    ["xn--45h.example", /U\+265A is DISALLOWED/], // the same as an A-label
    ["\u{1f600}.example", /U\+1F600 is DISALLOWED/],
    ["\u00a1.example", /U\+00A1 is DISALLOWED/],
    ["a\u00b7b.example", /A\.3/],
    ["a\u30fbb.example", /A\.7|UTS #46/],
    ["a\u200db.example", /A\.2|UTS #46/],
    ["\u0301a.example", /combining mark|UTS #46/],
    ["xn--.example", /UTS #46/],
    ["xn--ascii-.example", /starts or ends with '-'/],
    ["xn--bucher-xyd.example", /UTS #46/], // decodes to a string that is not NFC
  ])("%j is rejected", (input, why) => {
    expect(reason(input)).toMatch(why);
  });

  test("soft hyphens are removed by UTS #46 mapping", () => {
    expect(prepDomain("ex\u00adample.com")).toBe("example.com");
  });
});

describe("Bidi Rule over a Bidi domain name (RFC 5893 §2)", () => {
  test.each([
    ["\u05d0\u05d1.example", "\u05d0\u05d1.example"],
    ["\u05d0\u05d11.example", "\u05d0\u05d11.example"],
    ["a123.\u05d0\u05d1.example", "a123.\u05d0\u05d1.example"],
  ])("%j prepares to %j", (input, output) => {
    expect(prepDomain(input)).toBe(output);
  });

  test("every label of a Bidi domain name must satisfy the rule, even ASCII ones", () => {
    // "123" alone is a fine label, but not next to a right-to-left label.
    expect(prepDomain("123.example")).toBe("123.example");
    expect(reason("123.\u05d0\u05d1.example")).toMatch(/condition 1/);
  });

  test("a right-to-left label with a left-to-right letter is rejected", () => {
    expect(reason("\u05d0\u05d1a.example")).toMatch(/condition 2|UTS #46/);
  });
});

describe("IP addresses", () => {
  test.each([
    ["192.0.2.1", "192.0.2.1"],
    ["0.0.0.0", "0.0.0.0"],
    ["255.255.255.255", "255.255.255.255"],
    ["192.0.2.1.", "192.0.2.1"],
    ["[::1]", "[::1]"],
    ["[2001:0DB8:0:0:0:0:0:1]", "[2001:db8::1]"], // one canonical text form
    ["[2001:DB8::1]", "[2001:db8::1]"],
    ["[::ffff:192.0.2.1]", "[::ffff:c000:201]"],
  ])("%j prepares to %j", (input, output) => {
    expect(prepDomain(input)).toBe(output);
  });

  test.each([
    ["[::1", /must end with '\]'/],
    ["[::1]:5222", /must end with '\]'/],
    ["[]", /not a valid IPv6/],
    ["[::g]", /not a valid IPv6/],
    ["[192.0.2.1]", /not a valid IPv6/],
    ["[fe80::1%eth0]", /not a valid IPv6/],
    ["[fe80::1%25eth0]", /not a valid IPv6/],
    ["[v1.fe80::a]", /IPvFuture/],
    ["::1", /UTS #46/],
  ])("%j is rejected", (input, why) => {
    expect(reason(input)).toMatch(why);
  });
});

describe("caching", () => {
  test("returns the same string for a repeated input", () => {
    expect(prepDomain("Cache.Example")).toBe("cache.example");
    expect(prepDomain("Cache.Example")).toBe("cache.example");
  });

  test("does not cache failures", () => {
    expect(() => prepDomain("bad..example")).toThrow(JidError);
    expect(() => prepDomain("bad..example")).toThrow(JidError);
  });

  test("non-strings are rejected", () => {
    expect(() => prepDomain(undefined as unknown as string)).toThrow("domainpart: must be a string");
  });
});
