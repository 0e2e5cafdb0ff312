import * as fs from "fs";
import * as path from "path";
import { parseScript, runScript, skipReason, Target } from "./runner";
import { FakeServer, startFakeServer } from "./test-support/fake-server";

const FIXTURES = path.join(__dirname, "fixtures");
const fixture = (name: string) => parseScript(fs.readFileSync(path.join(FIXTURES, name), "utf8"), name);

const CLIENT = (name: string, jid: string, password = "pw") => `[Client] ${name}\n\tjid: ${jid}\n\tpassword: ${password}\n`;

describe("runScript against a fake server", () => {
  let server: FakeServer;
  let target: Target;
  let created: string[];

  beforeEach(async () => {
    server = await startFakeServer();
    created = [];
    target = {
      host: "127.0.0.1",
      port: server.port,
      domain: "localhost",
      timeoutMs: 2000,
      ensureAccount: async (local, password) => {
        created.push(local);
        server.accounts.set(local, password);
      },
    };
  });

  afterEach(async () => {
    await server.close();
  });

  async function expectAllClosed() {
    for (let i = 0; i < 50 && server.openConnections() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(server.openConnections()).toBe(0);
  }

  it.each(["ping-server.scs", "iq-unknown-namespace.scs", "message-full-jid.scs", "self-presence.scs", "host-unknown.raw.scs"])(
    "passes the portable fixture %s",
    async (name) => {
      const r = await runScript(fixture(name), target);
      expect(r.failures).toEqual([]);
      expect(r.ok).toBe(true);
      await expectAllClosed();
    },
  );

  it("creates each distinct account once, before connecting", async () => {
    const r = await runScript(`${CLIENT("A", "a@localhost")}${CLIENT("A2", "a@localhost/two")}${CLIENT("B", "b@localhost")}---\nA connects\nA2 connects\n`, target);
    expect(r.ok).toBe(true);
    expect(created).toEqual(["a", "b"]);
  });

  it("fails a wrong expectation with file, line, path, expected and received XML, and still disconnects", async () => {
    const script = parseScript(
      `# wrong\n${CLIENT("Romeo", "romeo@localhost")}---\nRomeo connects\nRomeo sends:\n\t<iq type="get" id="p1" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>\n` +
        `Romeo receives:\n\t<iq type="result" id="p2"/>\n`,
      "wrong.scs",
    );
    const r = await runScript(script, target);
    expect(r.ok).toBe(false);
    expect(r.failures).toHaveLength(1);
    const f = r.failures[0];
    expect(f).toMatch(/^wrong\.scs:9 \(Romeo receives:\): stanza did not match/);
    expect(f).toContain(`at iq: attribute id: expected "p2", received "p1"`);
    expect(f).toContain(`expected:\n    <iq type="result" id="p2"/>`);
    expect(f).toMatch(/received:\n    <iq xmlns="jabber:client" type="result" id="p1" from="localhost" to="romeo@localhost\/r\d+"\/>/);
    await expectAllClosed();
  });

  it("treats an unexpected stanza as a mismatch rather than skipping it", async () => {
    const r = await runScript(
      `${CLIENT("Romeo", "romeo@localhost")}---\nRomeo connects\nRomeo sends:\n\t<presence/>\n` +
        `Romeo sends:\n\t<iq type="get" id="p1" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>\nRomeo receives:\n\t<iq type="result" id="p1"/>\n`,
      target,
    );
    expect(r.ok).toBe(false);
    expect(r.failures[0]).toContain("expected <iq> in jabber:client, received <presence>");
  });

  it("fails receives: nothing when something arrives, and passes it when silent", async () => {
    const head = `${CLIENT("Romeo", "romeo@localhost")}---\nRomeo connects\n`;
    const noisy = await runScript(`${head}Romeo sends:\n\t<presence/>\nRomeo receives: nothing\n`, { ...target, quietMs: 200 });
    expect(noisy.ok).toBe(false);
    expect(noisy.failures[0]).toMatch(/receives: nothing\): expected nothing for 200 ms, received:\n\s+<presence/);
    const quiet = await runScript(`${head}Romeo receives: nothing\n`, { ...target, quietMs: 50 });
    expect(quiet.ok).toBe(true);
  });

  it("times out a receives: with the expected stanza in the message", async () => {
    const r = await runScript(`${CLIENT("Romeo", "romeo@localhost")}---\nRomeo connects\nRomeo receives:\n\t<message/>\n`, { ...target, timeoutMs: 300 });
    expect(r.ok).toBe(false);
    expect(r.failures[0]).toContain("nothing arrived within 300 ms; expected:\n    <message/>");
  });

  it("reports a SASL failure at the connects line", async () => {
    server.accounts.set("romeo", "right");
    const r = await runScript(`${CLIENT("Romeo", "romeo@localhost", "wrong")}---\nRomeo connects\n`, { ...target, ensureAccount: undefined });
    expect(r.ok).toBe(false);
    expect(r.failures[0]).toMatch(/^script:5 \(Romeo connects\): SASL SCRAM-SHA-512 failed: not-authorized/);
  });

  it("insists on STARTTLS only when the script says tls: starttls", async () => {
    const r = await runScript(`${CLIENT("Romeo", "romeo@localhost")}\ttls: starttls\n---\nRomeo connects\n`, target);
    expect(r.failures[0]).toContain("the server does not offer STARTTLS");
  });

  it("rewrites localhost to the target's domain in JIDs and payloads", async () => {
    await server.close();
    server = await startFakeServer({ domain: "example.test" });
    const r = await runScript(fixture("ping-server.scs"), { ...target, port: server.port, domain: "example.test", ensureAccount: async (l, p) => void server.accounts.set(l, p) });
    expect(r.failures).toEqual([]);
    expect(r.log.join("\n")).toContain(`to='example.test'`);
  });

  it("ignores a send after disconnects, as upstream scansion does, but not before the first connects", async () => {
    const after = await runScript(`${CLIENT("Romeo", "romeo@localhost")}---\nRomeo connects\nRomeo disconnects\nRomeo sends:\n\t<presence type="unavailable"/>\n`, target);
    expect(after.failures).toEqual([]);
    expect(after.log.join("\n")).toContain("Romeo is disconnected; ignoring: <presence type='unavailable'/>");
    const before = await runScript(`${CLIENT("Romeo", "romeo@localhost")}---\nRomeo sends:\n\t<presence/>\n`, target);
    expect(before.failures).toEqual(["script:5 (Romeo sends:): Romeo is not connected"]);
  });

  it("returns a parse error as a failure", async () => {
    const r = await runScript("[Client] A\n\tjid: a@localhost\n\tpassword: x\n---\nB connects\n", target);
    expect(r).toMatchObject({ ok: false, failures: [expect.stringContaining("script:5: no character named")] });
  });

  it("fails `is disconnected` when the server keeps the connection open", async () => {
    const r = await runScript(`${CLIENT("Romeo", "romeo@localhost")}---\nRomeo connects\nRomeo is disconnected\n`, { ...target, timeoutMs: 300 });
    expect(r.failures[0]).toContain("the server did not close the connection within 300 ms");
    await expectAllClosed();
  });
});

describe("skipReason", () => {
  const script = (tags: string) => parseScript(`# t\n${tags}\n[Raw] M\n---\n`);
  it("skips when a required feature is missing", () => {
    expect(skipReason(script("## requires: offline, mam"), { features: ["offline"] })).toBe("requires mam");
    expect(skipReason(script("## requires: offline"), { features: new Set(["offline"]) })).toBeUndefined();
  });
  it("skips target: ours scripts for foreign targets only; runner: ours never skips in this runner", () => {
    expect(skipReason(script("## target: ours"), { kind: "foreign" })).toBe("target: ours");
    expect(skipReason(script("## target: ours"), {})).toBeUndefined();
    expect(skipReason(script("## runner: ours"), { kind: "foreign" })).toBeUndefined();
  });
});
