import { parseScript, ScriptParseError, tagValues } from "./script";

const HEAD = "# title\n\n[Client] Romeo\n\tjid: romeo@localhost\n\tpassword: pw\n\n---\n\n";

function parseError(text: string): ScriptParseError {
  try {
    parseScript(text, "t.scs");
  } catch (e) {
    if (e instanceof ScriptParseError) return e;
    throw e;
  }
  throw new Error("expected a parse error");
}

describe("parseScript: header and definitions", () => {
  it("reads the title, description, word tags and key: value tags", () => {
    const s = parseScript(
      "# XEP-0199 §4.2: server answers a ping\n# more words\n## spec: XEP-0199 4.2\n## requires: offline, mam\n## slow\n\n" +
        "[Client] Romeo\n\tjid: romeo@localhost\n\tpassword: pw\n---\nRomeo connects\n",
    );
    expect(s.title).toBe("XEP-0199 §4.2: server answers a ping");
    expect(s.description).toEqual(["more words"]);
    expect(s.tags).toEqual([
      { key: "spec", value: "XEP-0199 4.2" },
      { key: "requires", value: "offline, mam" },
      { key: "slow", value: "" },
    ]);
    expect(tagValues(s, "requires")).toEqual(["offline", "mam"]);
  });

  it("reads Client and Raw definitions with tab or space indentation and our extra keys", () => {
    const s = parseScript(
      "[Client] Juliet's phone\n    jid: juliet@localhost/mobile\n    password: pw\n    resource: mobile\n    tls: direct\n    sasl: SCRAM-SHA-256\n" +
        "    connect_host: 127.0.0.1\n    connect_port: 5223\n\n// a comment between definitions\n[Raw] Mallory\n\n-----\nMallory connects\n",
    );
    expect(s.characters).toEqual([
      {
        cls: "Client",
        name: "Juliet's phone",
        line: 1,
        props: { jid: "juliet@localhost/mobile", password: "pw", resource: "mobile", tls: "direct", sasl: "SCRAM-SHA-256", connect_host: "127.0.0.1", connect_port: "5223" },
      },
      { cls: "Raw", name: "Mallory", line: 11, props: {} },
    ]);
  });

  it.each([
    ["[Robot] R\n---\n", 1, "unknown character class"],
    ["[Client] R\n\tpassword: pw\n---\n", 1, "needs a jid"],
    ["[Client] R\n\tjid: r@localhost\n---\n", 1, "needs a password"],
    ["[Client] R\n\tjid: r@localhost\n\tpassword: pw\n\tcolour: red\n---\n", 4, "unknown key"],
    ["[Client] R\n\tjid: r@localhost\n\tpassword: pw\n\ttls: maybe\n---\n", 1, "tls must be"],
    ["[Client] R\n\tjid: r@localhost\n\tpassword: pw\n\tsasl: DIGEST-MD5\n---\n", 1, "unsupported sasl"],
    ["[Client] R\n\tjid: r@localhost\n\tpassword: pw\nR connects\n", 4, "--- separator"],
    ["[Client] R\n\tjid: r@localhost\n\tpassword: pw\n[Client] R\n\tjid: r@localhost\n\tpassword: pw\n---\n", 4, "defined twice"],
  ])("rejects a bad definition %#", (text, line, message) => {
    const e = parseError(text);
    expect(e.line).toBe(line);
    expect(e.message).toContain(message);
    expect(e.message).toMatch(new RegExp(`^t\\.scs:${line}: `));
  });
});

describe("parseScript: actions", () => {
  it("reads every verb, with payloads dedented and line numbers kept", () => {
    const s = parseScript(
      HEAD +
        "Romeo connects\n\nRomeo sends:\n\t<presence/>\n\nRomeo receives:\n\t<presence from=\"${Romeo's full JID}\">\n\t\t<priority>1</priority>\n\t</presence>\n" +
        "Romeo receives: nothing\nRomeo is disconnected\nRomeo disconnects\n",
    );
    expect(s.actions).toEqual([
      { actor: "Romeo", verb: "connects", line: 9 },
      { actor: "Romeo", verb: "sends", line: 11, payload: "<presence/>" },
      { actor: "Romeo", verb: "receives", line: 14, payload: "<presence from=\"${Romeo's full JID}\">\n\t<priority>1</priority>\n</presence>" },
      { actor: "Romeo", verb: "receives-nothing", line: 18 },
      { actor: "Romeo", verb: "is-disconnected", line: 19 },
      { actor: "Romeo", verb: "disconnects", line: 20 },
    ]);
  });

  it("accepts the colon-less verbs and the // and -- comments seen in upstream scripts", () => {
    const s = parseScript(HEAD + "// note\n-- Romeo sends:\n-- \t<iq/>\n--\nRomeo sends\n\t<presence/>\nRomeo receives\n\t<presence/>\n");
    expect(s.actions.map((a) => [a.verb, a.line])).toEqual([
      ["sends", 13],
      ["receives", 15],
    ]);
  });

  it("matches the longest character name, so names may contain spaces and apostrophes", () => {
    const s = parseScript(
      "[Client] Juliet\n\tjid: j@localhost\n\tpassword: pw\n[Client] Juliet's phone\n\tjid: j@localhost\n\tpassword: pw\n---\nJuliet's phone connects\nJuliet connects\n",
    );
    expect(s.actions.map((a) => a.actor)).toEqual(["Juliet's phone", "Juliet"]);
  });

  it("reads the raw verbs and keeps raw payload layout relative to the first line", () => {
    const s = parseScript(
      "[Raw] Mallory\n---\nMallory connects\nMallory sends raw:\n\t<?xml version='1.0'?>\n\t<stream:stream to='localhost'\n\t    version='1.0'>\n" +
        "Mallory receives raw:\n\t<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>\n\t</stream:stream>\nMallory starttls\n",
    );
    expect(s.actions.map((a) => a.verb)).toEqual(["connects", "sends-raw", "receives-raw", "starttls"]);
    expect(s.actions[1].payload).toBe("<?xml version='1.0'?>\n<stream:stream to='localhost'\n    version='1.0'>");
  });

  it("keeps a whitespace-only raw payload, so a script can send a keepalive", () => {
    const s = parseScript("[Raw] M\n---\nM sends raw:\n\t   \n\nM sends raw:\n\t<a/>\n\t\n");
    expect(s.actions.map((a) => a.payload)).toEqual(["\t   ", "<a/>"]);
  });

  it("allows a partial stream in sends raw: (not checked as XML)", () => {
    expect(() => parseScript("[Raw] M\n---\nM sends raw:\n\t<!DOCTYPE foo>\n\t<stream:stream>\n")).not.toThrow();
  });

  it.each([
    ["Tybalt connects\n", 9, "no character named"],
    ["Romeo dances\n", 9, "unknown action"],
    ["Romeo sends:\n\n", 9, "needs an indented payload"],
    ["Romeo connects\n\t<presence/>\n", 10, "takes no payload"],
    ["Romeo sends raw:\n\t<presence/>\n", 9, "not available to [Client]"],
    ["\t<presence/>\n", 9, "indented line"],
    ["Romeo sends:\n\t<iq>\n\t\t<query>\n\t</iq>\n", 12, "not well-formed XML"],
    ["Romeo sends:\n\t<presence/>\n\t<presence/>\n", 10, "exactly one element"],
    ["Romeo receives:\n\tjust text\n", 10, "outside an element"],
  ])("rejects a bad action with its line number %#", (actions, line, message) => {
    const e = parseError(HEAD + actions);
    expect(e.message).toContain(message);
    expect(e.line).toBe(line);
  });

  it("rejects receives raw: that is not XML, but not a lone </stream:stream>", () => {
    expect(parseError("[Raw] M\n---\nM receives raw:\n\t<a><b></a>\n").line).toBe(4);
    expect(() => parseScript("[Raw] M\n---\nM receives raw:\n\t</stream:stream>\n")).not.toThrow();
  });

  it("validates payloads with variables in single-quoted attributes", () => {
    expect(() => parseScript(HEAD + "Romeo sends:\n\t<message to='${Romeo's full JID}'/>\n")).not.toThrow();
  });
});
