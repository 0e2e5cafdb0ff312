import { rewriteDomain, splitJid, substitute, VarSource } from "./vars";

const vars: VarSource = {
  jid: (n) => ({ Romeo: "romeo@example.org", "Juliet's phone": "juliet@example.org" })[n],
  fullJid: (n) => ({ Romeo: "romeo@example.org/r1", "Juliet's phone": "juliet@example.org/mobile" })[n],
  plain: (n) => (n === "Romeo" ? "AHJvbWVvAHB3" : undefined),
  named: (k) => ({ domain: "example.org", weird: `a<b>"c'&` })[k],
};

describe("substitute", () => {
  it("resolves scansion's JID variables, including names with apostrophes", () => {
    expect(substitute(`<m to="\${Juliet's phone's full JID}" from='\${Romeo's JID}'/>`, vars)).toBe(
      `<m to="juliet@example.org/mobile" from='romeo@example.org'/>`,
    );
  });

  it("resolves our PLAIN, domain and target variables, XML-escaped", () => {
    expect(substitute("${Romeo's PLAIN} ${domain} ${weird}", vars)).toBe("AHJvbWVvAHB3 example.org a&lt;b&gt;&quot;c&apos;&amp;");
  });

  it("fails clearly on unknown names and on full JIDs before connecting", () => {
    expect(() => substitute("${Tybalt's JID}", vars)).toThrow("cannot resolve ${Tybalt's JID}");
    expect(() => substitute("${Tybalt's full JID}", vars)).toThrow("has Tybalt connected?");
    expect(() => substitute("${nope}", vars)).toThrow("unknown variable ${nope}");
  });
});

describe("rewriteDomain", () => {
  it("rewrites localhost as a domain or the last label of one, nothing else", () => {
    expect(rewriteDomain("a@localhost/x pubsub.localhost to='localhost' localhostess my-localhost", "example.org")).toBe(
      "a@example.org/x pubsub.example.org to='example.org' localhostess my-localhost",
    );
  });

  it("is a no-op for the script's own domain", () => {
    expect(rewriteDomain("a@localhost", "localhost")).toBe("a@localhost");
  });
});

describe("splitJid", () => {
  it("splits local, domain and resource (which may contain / and @)", () => {
    expect(splitJid("a@b/c/d@e")).toEqual({ local: "a", domain: "b", resource: "c/d@e" });
    expect(splitJid("a@b")).toEqual({ local: "a", domain: "b", resource: undefined });
    expect(() => splitJid("b")).toThrow();
  });
});
