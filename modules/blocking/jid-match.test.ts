import { parseJid } from "../../lib/jid";
import { entryCovers, isBlocked, matchingEntries } from "./jid-match";

const j = parseJid;

describe("XEP-0191 §6 JID matching", () => {
  it("lists the four forms for a full JID, most specific first", () => {
    expect(matchingEntries(j("romeo@montague.net/orchard"))).toEqual([
      "romeo@montague.net/orchard",
      "romeo@montague.net",
      "montague.net/orchard",
      "montague.net",
    ]);
  });

  it("lists bare and domain for a bare JID, and the domain itself for a domain", () => {
    expect(matchingEntries(j("romeo@montague.net"))).toEqual(["romeo@montague.net", "montague.net"]);
    expect(matchingEntries(j("montague.net/res"))).toEqual(["montague.net/res", "montague.net"]);
    expect(matchingEntries(j("montague.net"))).toEqual(["montague.net"]);
  });

  it("a bare entry blocks every resource; a full entry only that resource", () => {
    const bare = new Set(["romeo@montague.net"]);
    expect(isBlocked(bare, j("romeo@montague.net/a"))).toBe(true);
    expect(isBlocked(bare, j("romeo@montague.net"))).toBe(true);
    expect(isBlocked(bare, j("benvolio@montague.net/a"))).toBe(false);
    const full = new Set(["romeo@montague.net/orchard"]);
    expect(isBlocked(full, j("romeo@montague.net/orchard"))).toBe(true);
    expect(isBlocked(full, j("romeo@montague.net/garden"))).toBe(false);
    expect(isBlocked(full, j("romeo@montague.net"))).toBe(false);
  });

  it("a domain entry blocks the domain and everyone on it, but not other domains or subdomains' lookalikes", () => {
    const dom = new Set(["montague.net"]);
    expect(isBlocked(dom, j("montague.net"))).toBe(true);
    expect(isBlocked(dom, j("romeo@montague.net/x"))).toBe(true);
    expect(isBlocked(dom, j("montague.net/x"))).toBe(true);
    expect(isBlocked(dom, j("romeo@capulet.net"))).toBe(false);
    expect(isBlocked(dom, j("romeo@evilmontague.net"))).toBe(false);
  });

  it("matches prepared forms, so case differences in the address do not escape a block", () => {
    expect(isBlocked(new Set([j("Romeo@Montague.NET").toString()]), j("romeo@montague.net/x"))).toBe(true);
  });

  it("entryCovers agrees with isBlocked", () => {
    expect(entryCovers(j("montague.net"), j("romeo@montague.net/x"))).toBe(true);
    expect(entryCovers(j("romeo@montague.net/x"), j("romeo@montague.net"))).toBe(false);
  });
});
