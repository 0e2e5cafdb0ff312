/**
 * Proof that the runner is right: the fixtures pass against a real Prosody, and wrong expectations fail
 * with a readable diff. Skips when Prosody is not installed (apt-get install prosody).
 */
import * as fs from "fs";
import * as path from "path";
import { defineScansionSuite, listScripts, parseScript, runScript, Target } from "./runner";
import { PROSODY_BINARY, RunningProsody, startProsody } from "./test-support/prosody";

const FIXTURES = path.join(__dirname, "fixtures");
const ADDR = process.env.PROSODY_RUNNER_ADDR ?? "127.0.0.9";

if (!PROSODY_BINARY) {
  it.skip("Prosody integration: skipped because neither /usr/sbin/prosody nor /usr/bin/prosody exists", () => undefined);
} else {
  describe(`runner against Prosody on ${ADDR}`, () => {
    let prosody: RunningProsody;
    const target = (): Target => prosody.target;

    beforeAll(async () => {
      prosody = await startProsody(ADDR);
    });

    afterAll(async () => {
      await prosody?.stop();
    });

    const run = async (text: string, file: string) => runScript(parseScript(text, file), target());

    describe("every fixture passes, raw ones included", () => {
      for (const file of listScripts(FIXTURES)) {
        it(path.basename(file), async () => {
          const r = await run(fs.readFileSync(file, "utf8"), path.basename(file));
          if (!r.ok) throw new Error(`${r.failures.join("\n")}\n--- log ---\n${r.log.join("\n")}\n--- prosody ---\n${prosody.output()}`);
        });
      }
    });

    describe("the same fixtures through defineScansionSuite (raw ones skipped for a foreign target)", () => {
      defineScansionSuite(FIXTURES, target, { kind: "foreign" });
    });

    // Our own behaviour scripts, unchanged: a failure here means the script asserts more than the spec does.
    describe("the project's scripts (spec-tests/<rfc|xep>) that are not tagged runner: ours", () => {
      for (const dir of ["rfc6120", "xep-0030", "xep-0092", "xep-0199", "xep-0202"]) {
        describe(dir, () => defineScansionSuite(path.join(__dirname, "..", dir), target, { kind: "foreign" }));
      }
    });

    it("logs in over direct TLS with SASL PLAIN and with SCRAM-SHA-1", async () => {
      for (const sasl of ["PLAIN", "SCRAM-SHA-1"]) {
        const r = await run(
          `[Client] Romeo\n\tjid: romeo-direct@localhost\n\tpassword: pw\n\ttls: direct\n\tsasl: ${sasl}\n---\nRomeo connects\n` +
            `Romeo sends:\n\t<iq type="get" id="p" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>\nRomeo receives:\n\t<iq type="result" id="p"/>\n`,
          "direct.scs",
        );
        expect(r.failures).toEqual([]);
        expect(r.log.join("\n")).toContain(`(direct TLS)`);
        expect(r.log.join("\n")).toContain(`(${sasl}, TLS)`);
      }
    });

    it("fails a wrong strict expectation with a readable diff", async () => {
      const r = await run(
        `# wrong\n[Client] Romeo\n\tjid: romeo-wrong@localhost\n\tpassword: pw\n---\nRomeo connects\n` +
          `Romeo sends:\n\t<iq type="get" id="v1" to="localhost"><query xmlns="jabber:iq:version"/></iq>\n` +
          `Romeo receives:\n\t<iq type="result" id="v1">\n\t\t<query xmlns="jabber:iq:version">\n\t\t\t<name>NotProsody</name>\n\t\t</query>\n\t</iq>\n`,
        "wrong-version.scs",
      );
      expect(r.ok).toBe(false);
      const f = r.failures[0];
      expect(f).toMatch(/^wrong-version\.scs:9 \(Romeo receives:\): stanza did not match\n  at iq\/query\{jabber:iq:version\}: expected 1 child element\(s\) \(<name>\), received \d/);
      expect(f).toContain("expected:\n    <iq type=\"result\" id=\"v1\">\n      <query xmlns=\"jabber:iq:version\">\n        <name>NotProsody</name>");
      expect(f).toMatch(/received:\n {4}<iq xmlns="jabber:client"[^\n]*>\n {6}<query xmlns="jabber:iq:version">\n {8}<name>Prosody<\/name>/);
    });

    it("fails a wrong non-strict expectation, naming the missing feature", async () => {
      const r = await run(
        `[Client] Romeo\n\tjid: romeo-wrong@localhost\n\tpassword: pw\n---\nRomeo connects\n` +
          `Romeo sends:\n\t<iq type="get" id="d1" to="localhost"><query xmlns="http://jabber.org/protocol/disco#info"/></iq>\n` +
          `Romeo receives:\n\t<iq type="result" id="d1"><query xmlns="http://jabber.org/protocol/disco#info" scansion:strict="false"><feature var="urn:example:nope"/></query></iq>\n`,
        "wrong-disco.scs",
      );
      expect(r.failures[0]).toMatch(/at iq\/query\{http:\/\/jabber.org\/protocol\/disco#info\}\/feature: none of the \d+ unused received <feature> children match; e\.g\. attribute var: expected "urn:example:nope"/);
    });

    it("fails a raw expectation for the wrong stream error condition", async () => {
      const r = await run(
        `[Raw] Mallory\n---\nMallory connects\nMallory sends raw:\n\t<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='nowhere.example' version='1.0'>\n` +
          `Mallory receives raw:\n\t<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>\n\t<stream:error><host-gone xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>\n`,
        "wrong-raw.scs",
      );
      expect(r.failures[0]).toMatch(/^wrong-raw\.scs:6 \(Mallory receives raw:\): stanza did not match\n  at error\{http:\/\/etherx.jabber.org\/streams\}\/host-gone\{urn:ietf:params:xml:ns:xmpp-streams\}: no <host-gone> child/);
    });

    it("fails connects with a wrong password, naming the SASL condition", async () => {
      await target().ensureAccount!("romeo-badpass", "right");
      const r = await runScript(
        `[Client] Romeo\n\tjid: romeo-badpass@localhost\n\tpassword: wrong\n---\nRomeo connects\n`,
        { ...target(), ensureAccount: undefined },
      );
      expect(r.failures[0]).toContain("(Romeo connects): SASL SCRAM-SHA-1 failed: not-authorized");
    });
  });
}
