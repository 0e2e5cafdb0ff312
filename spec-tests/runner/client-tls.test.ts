/** Client negotiation over TLS against the fake server: STARTTLS, direct TLS, SCRAM choice, -PLUS, raw starttls. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runScript, Target } from "./runner";
import { generateSelfSigned } from "../../lib/tls/self-signed";
import { FakeServer, startFakeServer } from "./test-support/fake-server";

let dir: string;
let key: Buffer;
let cert: Buffer;
let server: FakeServer;
let target: Target;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "runner-tls-"));
  const entry = await generateSelfSigned("localhost", dir);
  key = fs.readFileSync(entry.keyPath);
  cert = fs.readFileSync(entry.certPath);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

beforeEach(async () => {
  server = await startFakeServer({ tls: { key, cert } });
  target = {
    host: "127.0.0.1",
    port: server.port,
    directTlsPort: server.directTlsPort,
    domain: "localhost",
    ensureAccount: async (l, p) => void server.accounts.set(l, p),
  };
});

afterEach(() => server.close());

const PING = `Romeo sends:\n\t<iq type="get" id="p" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>\nRomeo receives:\n\t<iq type="result" id="p"/>\n`;
const script = (extra = "") => `[Client] Romeo\n\tjid: romeo@localhost\n\tpassword: pässword\n${extra}---\nRomeo connects\n${PING}Romeo disconnects\n`;

it("uses STARTTLS when offered and picks the strongest plain SCRAM by default", async () => {
  const r = await runScript(script(), target);
  expect(r.failures).toEqual([]);
  expect(server.logins).toEqual(["SCRAM-SHA-512"]);
  expect(r.log.join("\n")).toMatch(/TLS established \(TLSv1\.3\)/);
});

it.each(["SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256-PLUS", "SCRAM-SHA-512-PLUS", "PLAIN"])("logs in with sasl: %s", async (mech) => {
  const r = await runScript(script(`\tsasl: ${mech}\n`), target);
  expect(r.failures).toEqual([]);
  expect(server.logins).toEqual([mech]);
});

it("logs in over direct TLS with channel binding", async () => {
  const r = await runScript(script("\ttls: direct\n\tsasl: SCRAM-SHA-256-PLUS\n"), target);
  expect(r.failures).toEqual([]);
  expect(r.log.join("\n")).toContain("(direct TLS)");
  expect(server.logins).toEqual(["SCRAM-SHA-256-PLUS"]);
});

it("fails cleanly when a wanted mechanism is not offered", async () => {
  const r = await runScript(script("\tsasl: SCRAM-SHA-1\n\ttls: none\n"), target);
  expect(r.failures[0]).toContain("(Romeo connects): the server does not offer SASL SCRAM-SHA-1 (offers: none)");
});

it("lets a raw character negotiate STARTTLS and PLAIN (with ${Name's PLAIN}) by hand", async () => {
  const header = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";
  const r = await runScript(
    `[Raw] M\n\tjid: m@localhost\n\tpassword: pw\n---\nM connects\nM sends raw:\n\t${header}\nM receives raw:\n\t<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>\n` +
      `\t<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>\n` +
      `M sends raw:\n\t<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>\nM receives raw:\n\t<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>\n` +
      `M starttls\nM sends raw:\n\t${header}\nM receives raw:\n\t<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>\n` +
      `\t<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl' scansion:strict='false'><mechanism>SCRAM-SHA-1-PLUS</mechanism></mechanisms></stream:features>\n` +
      `M sends raw:\n\t<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>\${M's PLAIN}</auth>\n` +
      `M receives raw:\n\t<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>\nM sends raw:\n\t${header}\n` +
      `M receives raw:\n\t<stream:stream xmlns:stream='http://etherx.jabber.org/streams' id='{scansion:any}'>\n\t<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>\n` +
      `M sends raw:\n\t</stream:stream>\nM receives raw:\n\t</stream:stream>\nM is disconnected\n`,
    target,
  );
  expect(r.failures).toEqual([]);
  expect(server.logins).toEqual(["PLAIN"]);
});
