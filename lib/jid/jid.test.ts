/**
 * Parsing, building and comparing whole addresses.
 *
 * References:
 * - RFC 7622 §3.1 (splitting), §3.5 (the examples, with erratum 4560 removing example 18)
 */

import { JID, JidError, makeJid, parseJid, tryParseJid } from "./index";

function parts(j: JID): [string, string, string] {
  return [j.local, j.domain, j.resource];
}

function failure(s: string): JidError {
  try {
    parseJid(s);
  } catch (err) {
    if (err instanceof JidError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(s)} to be rejected`);
}

describe("RFC 7622 §3.5 valid JIDs", () => {
  // [example number, input, expected local, domain, resource]
  const valid: [number, string, string, string, string][] = [
    [1, "juliet@example.com", "juliet", "example.com", ""],
    [2, "juliet@example.com/foo", "juliet", "example.com", "foo"],
    [3, "juliet@example.com/foo bar", "juliet", "example.com", "foo bar"],
    [4, "juliet@example.com/foo@bar", "juliet", "example.com", "foo@bar"],
    [5, "foo\\20bar@example.com", "foo\\20bar", "example.com", ""],
    [6, "fussball@example.com", "fussball", "example.com", ""],
    [7, "fu\u00dfball@example.com", "fu\u00dfball", "example.com", ""],
    [8, "\u03c0@example.com", "\u03c0", "example.com", ""],
    [9, "\u03a3@example.com/foo", "\u03c3", "example.com", "foo"],
    [10, "\u03c3@example.com/foo", "\u03c3", "example.com", "foo"],
    [11, "\u03c2@example.com/foo", "\u03c2", "example.com", "foo"],
    [12, "king@example.com/\u265a", "king", "example.com", "\u265a"],
    [13, "example.com", "", "example.com", ""],
    [14, "example.com/foobar", "", "example.com", "foobar"],
    [15, "a.example.com/b@example.net", "", "a.example.com", "b@example.net"],
    // Erratum 4560: OpaqueString allows a leading space, so example 18 is valid after all.
    [18, "juliet@example.com/ foo", "juliet", "example.com", " foo"],
  ];
  test.each(valid)("example %i: %j", (_n, input, local, domain, resource) => {
    expect(parts(parseJid(input))).toEqual([local, domain, resource]);
  });

  test("example 9 and 10 are the same address, example 11 is not", () => {
    expect(parseJid("\u03a3@example.com/foo").equals(parseJid("\u03c3@example.com/foo"))).toBe(true);
    expect(parseJid("\u03c2@example.com/foo").equals(parseJid("\u03c3@example.com/foo"))).toBe(false);
  });

  test("examples 6 and 7 stay distinct (no ß to ss folding)", () => {
    expect(parseJid("fussball@example.com").equals(parseJid("fu\u00dfball@example.com"))).toBe(false);
  });
});

describe("RFC 7622 §3.5 invalid JIDs", () => {
  const invalid: [number, string, string][] = [
    [16, '"juliet"@example.com', "localpart"],
    [17, "foo bar@example.com", "localpart"],
    [19, "@example.com/", "localpart"],
    [20, "henry\u2163@example.com", "localpart"],
    [21, "\u265a@example.com", "localpart"],
    [22, "juliet@", "domainpart"],
    [23, "/foobar", "domainpart"],
  ];
  test.each(invalid)("example %i: %j is rejected in the %s", (_n, input, part) => {
    expect(failure(input).part).toBe(part);
  });

  test("the messages say why", () => {
    expect(failure('"juliet"@example.com').message).toBe(`localpart: must not contain '"' (RFC 7622 §3.3.1)`);
    expect(failure("foo bar@example.com").message).toMatch(/^localpart: U\+0020 .*Spaces/);
    expect(failure("henry\u2163@example.com").message).toMatch(/^localpart: U\+2173 .*HasCompat/);
    expect(failure("\u265a@example.com").message).toMatch(/^localpart: U\+265A .*Symbols/);
  });
});

describe("splitting (RFC 7622 §3.1)", () => {
  test("the resource starts at the first '/' and may hold '/' and '@'", () => {
    expect(parts(parseJid("a@b.example/c/d@e"))).toEqual(["a", "b.example", "c/d@e"]);
    expect(parts(parseJid("b.example/c@d"))).toEqual(["", "b.example", "c@d"]);
  });

  test("the localpart ends at the first '@', so a second '@' lands in the domain", () => {
    expect(failure("a@b@c").message).toBe("domainpart: must not contain '@' (RFC 7622 §3.1)");
  });

  test.each([
    ["@host", "localpart"],
    ["host/", "resourcepart"],
    ["a@/r", "domainpart"],
    ["a@host/", "resourcepart"],
    ["", "domainpart"],
    ["@", "localpart"],
    ["/", "domainpart"],
  ])("%j has an empty %s", (input, part) => {
    expect(failure(input).part).toBe(part);
  });

  test("separators are matched before width mapping", () => {
    // FULLWIDTH COMMERCIAL AT is part of the localpart, and becomes a forbidden '@' there.
    expect(failure("a\uff20b@example.com").message).toBe("localpart: must not contain '@' (RFC 7622 §3.3.1)");
    // FULLWIDTH SOLIDUS is part of the domainpart, which then maps it to a forbidden '/'.
    expect(failure("example.com\uff0ffoo").part).toBe("domainpart");
    // In the resourcepart it is an ordinary character (no width mapping there).
    expect(parseJid("example.com/a\uff0fb").resource).toBe("a\uff0fb");
  });

  test("a non-string is a JidError, not a crash", () => {
    expect(() => parseJid(undefined as unknown as string)).toThrow(JidError);
    expect(() => parseJid(42 as unknown as string)).toThrow("jid: must be a string");
  });

  test("an absurdly long input is rejected before any Unicode work", () => {
    expect(failure("a".repeat(20000)).part).toBe("jid");
  });
});

describe("normalized forms", () => {
  test("width and case mapping of the localpart and domain; resource case kept", () => {
    const j = parseJid("\uff2auliet@EXAMPLE.com/Balcony");
    expect(j.toString()).toBe("juliet@example.com/Balcony");
    expect(j.toBareString()).toBe("juliet@example.com");
  });

  test("IDN domains are held as U-labels", () => {
    expect(parseJid("user@XN--BCHER-KVA.example").domain).toBe("b\u00fccher.example");
    expect(parseJid("\u4f8b\u5b50.\u6d4b\u8bd5").toString()).toBe("\u4f8b\u5b50.\u6d4b\u8bd5");
  });

  test("a final dot on the domain is stripped", () => {
    expect(parseJid("juliet@EXAMPLE.COM./r").toString()).toBe("juliet@example.com/r");
  });

  test("IP literal domains", () => {
    expect(parseJid("juliet@192.0.2.1/r").domain).toBe("192.0.2.1");
    expect(parseJid("juliet@[2001:0DB8::1]/r").toString()).toBe("juliet@[2001:db8::1]/r");
  });

  test("every valid address re-parses to itself", () => {
    for (const s of ["\u03a3@Example.COM/Foo", "\uff2auliet@b\u00fccher.example/x y", "a@[::1]/\u00c5", "K\u0301@xn--bcher-kva.example"]) {
      const j = parseJid(s);
      expect(parseJid(j.toString()).toString()).toBe(j.toString());
    }
  });

  test("__proto__ and constructor are ordinary localparts and resources", () => {
    expect(parts(parseJid("__proto__@example.com/constructor"))).toEqual(["__proto__", "example.com", "constructor"]);
    expect(parseJid("__proto__@example.com")).toBe(parseJid("__proto__@example.com"));
    expect(parseJid("constructor@example.com/__proto__").toString()).toBe("constructor@example.com/__proto__");
    expect(makeJid("__proto__", "example.com", "toString").toString()).toBe("__proto__@example.com/toString");
  });
});

describe("the JID value", () => {
  test("bare, isBare and isDomain", () => {
    const full = parseJid("juliet@example.com/balcony");
    expect(full.isBare).toBe(false);
    expect(full.isDomain).toBe(false);
    expect(full.bare.toString()).toBe("juliet@example.com");
    expect(full.bare.isBare).toBe(true);
    expect(full.bare).toBe(full.bare); // cached
    const bare = parseJid("juliet@example.com");
    expect(bare.bare).toBe(bare);
    expect(parseJid("example.com").isDomain).toBe(true);
    expect(parseJid("example.com/r").isDomain).toBe(false);
    expect(parseJid("example.com/r").bare.isDomain).toBe(true);
  });

  test("equals compares the normalized parts", () => {
    const a = parseJid("Juliet@Example.com/balcony");
    expect(a.equals(parseJid("juliet@example.com/balcony"))).toBe(true);
    expect(a.equals(parseJid("juliet@example.com/Balcony"))).toBe(false);
    expect(a.equals(parseJid("juliet@example.com"))).toBe(false);
    expect(a.bare.equals(parseJid("JULIET@EXAMPLE.COM"))).toBe(true);
    expect(a.equals(undefined)).toBe(false);
    // "a@b/c" and the domain-only "a@b" with resource "c" cannot collide.
    expect(parseJid("example.com/a@b").equals(parseJid("a@example.com/b"))).toBe(false);
  });

  test("the cache returns the same object for the same input, and equal ones for equivalents", () => {
    const a = parseJid("romeo@montague.example/orchard");
    expect(parseJid("romeo@montague.example/orchard")).toBe(a);
    const b = parseJid("ROMEO@Montague.example/orchard");
    expect(b.equals(a)).toBe(true);
    expect(b.toString()).toBe(a.toString());
  });

  test("long inputs are parsed every time rather than cached", () => {
    const long = "a".repeat(600) + "@example.com";
    expect(parseJid(long)).not.toBe(parseJid(long));
    expect(parseJid(long).equals(parseJid(long))).toBe(true);
  });

  test("is immutable", () => {
    const j = parseJid("juliet@example.com/balcony");
    expect(Object.isFrozen(j)).toBe(true);
    expect(() => {
      (j as { local: string }).local = "romeo";
    }).toThrow(TypeError);
    expect(j.local).toBe("juliet");
  });

  test("cannot be constructed directly with unprepared parts", () => {
    const Ctor = JID as unknown as new (...args: unknown[]) => JID;
    expect(() => new Ctor(undefined, "JULIET", "example.com", "")).toThrow(TypeError);
  });

  test("toJSON and template strings give the canonical form", () => {
    const j = parseJid("Juliet@example.com/r");
    expect(JSON.stringify({ to: j })).toBe('{"to":"juliet@example.com/r"}');
    expect(`${j}`).toBe("juliet@example.com/r");
  });

  test("withResource prepares the new resource", () => {
    const j = parseJid("juliet@example.com/balcony").withResource("\u2003Chamber");
    expect(j.toString()).toBe("juliet@example.com/ Chamber");
    expect(() => parseJid("juliet@example.com").withResource("")).toThrow(JidError);
  });
});

describe("makeJid", () => {
  test("prepares each part", () => {
    expect(makeJid("Juliet", "EXAMPLE.com", "Balcony").toString()).toBe("juliet@example.com/Balcony");
    expect(makeJid("", "example.com").toString()).toBe("example.com");
    expect(makeJid("", "example.com", "").isDomain).toBe(true);
  });

  test("rebuilds a JID from its own properties", () => {
    for (const s of ["a@b.example/c", "b.example", "b.example/c", "a@b.example"]) {
      const j = parseJid(s);
      expect(makeJid(j.local, j.domain, j.resource).equals(j)).toBe(true);
    }
  });

  test("does not split: separators inside a part are errors there", () => {
    expect(() => makeJid("a@b", "example.com")).toThrow("localpart: must not contain '@'");
    expect(() => makeJid("a", "example.com/x")).toThrow("domainpart: must not contain '/'");
    expect(makeJid("a", "example.com", "x/y@z").resource).toBe("x/y@z");
  });

  test("throws JidError naming the part", () => {
    expect(() => makeJid("a b", "example.com")).toThrow(/^localpart: /);
    expect(() => makeJid("a", "")).toThrow(/^domainpart: /);
    expect(() => makeJid("a", "example.com", "\u0000")).toThrow(/^resourcepart: /);
  });
});

describe("tryParseJid", () => {
  test("returns undefined for missing or malformed input", () => {
    expect(tryParseJid(undefined)).toBeUndefined();
    expect(tryParseJid("")).toBeUndefined();
    expect(tryParseJid("a@b@c")).toBeUndefined();
  });

  test("returns the JID otherwise", () => {
    expect(tryParseJid("Juliet@example.com")?.toString()).toBe("juliet@example.com");
  });
});
