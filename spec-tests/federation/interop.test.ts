/**
 * Interop with the reference servers from Debian: Prosody 0.12 (p.test on 127.0.0.22) and
 * ejabberd 23.01 (e.test on 127.0.0.23) federate with our server (ours.test, ours2.test and the
 * self-signed ours3.test on 127.0.0.21). Certificates come from one test CA that everyone trusts,
 * so links authenticate with SASL EXTERNAL; ours3.test, exempted on their side, uses dialback.
 * Prosody runs mod_s2s_bidi, so its links are bidirectional (XEP-0288); ejabberd 23.01's are not.
 * DNS for all of them is the in-test DNS server. Each reference server is started and stopped
 * here; the suite skips when it is not installed (apt-get install prosody ejabberd).
 *
 * References: RFC 6120 §5, §6, §13.7; RFC 6121 §3; XEP-0178; XEP-0220; XEP-0199
 */
import net from "node:net";
import path from "node:path";
import { TestDnsServer } from "../../lib/dns/test-support/dns-server";
import { s2sService } from "../../lib/s2s/service";
import { removeDir, tempDir, TestPki, type Issued } from "../../lib/tls/test-support/pki";
import { EJABBERDCTL, startEjabberd } from "./interop/ejabberd";
import { PROSODY, PROSODY_HAS_UNBOUND, startProsody } from "./interop/prosody";
import { startPeer, type Peer } from "./support/peer";
import { errorCondition, FedUser, isMessage } from "./support/user";

jest.setTimeout(60_000);

interface Reference {
  register(local: string, password: string): Promise<void>;
  log(): string;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

interface Setup {
  dns: TestDnsServer;
  pki: TestPki;
  root: Issued;
  dir: string;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function interopSuite(name: string, domain: string, address: string, start: (s: Setup, cert: Issued) => Promise<Reference>): void {
  describe(`federation with ${name} (${domain})`, () => {
    let setup: Setup;
    let ours: Peer;
    let ref: Reference;
    const users: FedUser[] = [];
    let alice: FedUser; // alice@ours.test: we open the first link
    let olga: FedUser; // olga@ours2.test: they open the first link
    let dora: FedUser; // dora@ours3.test: self-signed, dialback
    let rita: FedUser; // rita@<domain>

    async function online(u: FedUser): Promise<FedUser> {
      users.push(u);
      expect((await u.iq(`<iq type='get'><query xmlns='jabber:iq:roster'/></iq>`)).attrs.type).toBe("result");
      u.send(`<presence/>`);
      await u.expect((e) => e.name === "presence" && e.attrs.from === u.jid && e.attrs.type === undefined, `${u.jid}'s own presence`);
      return u;
    }

    const dump = () => `\n--- ${name} ---\n${ref?.log().slice(-6000)}\n--- ours ---\n${ours?.log.slice(-60).join("\n")}\n--- DNS queries ---\n${setup?.dns.queries.join(", ")}`;
    const withLogs = async (f: () => Promise<void>) => {
      try {
        await f();
      } catch (e) {
        (e as Error).message += dump();
        throw e;
      }
    };

    beforeAll(async () => {
      const dir = tempDir(`fed-${name}`);
      const pki = new TestPki(dir);
      const root = pki.rootCa("ca", "Federation interop test CA");
      const dns = await new TestDnsServer().start("127.0.0.1");
      setup = { dns, pki, root, dir };
      dns.set(domain, [{ type: "A", address }]);
      dns.set(`_xmpp-server._tcp.${domain}`, [{ type: "SRV", priority: 0, weight: 0, port: 5269, target: domain }]);
      ours = await startPeer({
        address: "127.0.0.21",
        domains: ["ours.test", "ours2.test", "ours3.test"],
        selfSigned: ["ours3.test"],
        dns,
        ca: { pki, root },
        hostOptions: { "ours3.test": { s2s_insecure_domains: [] } },
      });
      // COMPAT(ejabberd 23.01, p1_xmpp 1.6): it asks inet_res (ERL_INETRC, our DNS) for SRV records but
      // getaddrinfo (/etc/hosts, the system resolver) for the target's address. An IP-literal SRV
      // target needs no address lookup at all, so /etc/hosts stays untouched; Prosody and we accept it too.
      for (const d of ours.domains) dns.set(`_xmpp-server._tcp.${d}`, [{ type: "SRV", priority: 0, weight: 0, port: ours.s2sPort, target: ours.address }]);
      const cert = pki.issue(domain, root, { san: `DNS:${domain}` });
      ref = await start(setup, cert);
      for (const [u, d] of [["alice", "ours.test"], ["olga", "ours2.test"], ["dora", "ours3.test"]]) await ours.addUser(`${u}@${d}`, "pw-ours");
      await ref.register("rita", "pw-rita");
      alice = await online(await FedUser.login("alice@ours.test", "pw-ours", ours.address, ours.c2sPort));
      olga = await online(await FedUser.login("olga@ours2.test", "pw-ours", ours.address, ours.c2sPort));
      dora = await online(await FedUser.login("dora@ours3.test", "pw-ours", ours.address, ours.c2sPort));
      rita = await online(await FedUser.login(`rita@${domain}`, "pw-rita", address, 5222));
    });

    afterAll(async () => {
      for (const u of users) await u.disconnect().catch(() => undefined);
      await ref?.stop();
      await ours?.stop();
      await setup?.dns.stop();
      if (setup) removeDir(setup.dir);
    });

    it("delivers messages both ways when we open the first link (SASL EXTERNAL both ways)", () =>
      withLogs(async () => {
        alice.send(`<message to='rita@${domain}' type='chat'><body>hello from ours</body></message>`);
        await rita.expect(isMessage(alice.jid, "hello from ours"), "alice's message at rita");
        rita.send(`<message to='${alice.jid}' type='chat'><body>hello from ${name}</body></message>`);
        await alice.expect(isMessage(rita.jid, `hello from ${name}`), "rita's answer at alice");
        const link = s2sService(ours.server).manager.all().find((l) => l.local === "ours.test" && l.remote === domain);
        expect(link?.external).toBe("succeeded");
        // Prosody (mod_s2s_bidi) answers over our connection (XEP-0288); ejabberd 23.01 opens its own.
        expect(link?.bidi).toBe(name === "prosody");
        if (!link?.bidi) expect(ours.log.join("\n")).toMatch(new RegExp(`incoming s2s stream authenticated.*from=${domain.replace(".", "\\.")}.*mechanism=EXTERNAL`));
      }));

    it("delivers messages both ways when they open the first link", () =>
      withLogs(async () => {
        rita.send(`<message to='olga@ours2.test' type='chat'><body>first contact</body></message>`);
        await olga.expect(isMessage(rita.jid, "first contact"), "rita's message at olga");
        olga.send(`<message to='${rita.jid}' type='chat'><body>welcome</body></message>`);
        await rita.expect(isMessage(olga.jid, "welcome"), "olga's answer at rita");
      }));

    it("carries a mutual subscription, and presence updates both ways", () =>
      withLogs(async () => {
        alice.send(`<presence to='rita@${domain}' type='subscribe'/>`);
        await rita.expect((e) => e.name === "presence" && e.attrs.type === "subscribe" && e.attrs.from === "alice@ours.test", "the request at rita");
        rita.send(`<presence to='alice@ours.test' type='subscribed'/>`);
        await alice.expect((e) => e.name === "presence" && e.attrs.type === "subscribed" && e.attrs.from === `rita@${domain}`, "the approval at alice");
        await alice.expect((e) => e.name === "presence" && e.attrs.type === undefined && e.attrs.from === rita.jid, "rita's presence at alice");
        rita.send(`<presence to='alice@ours.test' type='subscribe'/>`);
        await alice.expect((e) => e.name === "presence" && e.attrs.type === "subscribe" && e.attrs.from === `rita@${domain}`, "the request at alice");
        alice.send(`<presence to='rita@${domain}' type='subscribed'/>`);
        await rita.expect((e) => e.name === "presence" && e.attrs.type === "subscribed" && e.attrs.from === "alice@ours.test", "the approval at rita");
        await rita.expect((e) => e.name === "presence" && e.attrs.type === undefined && e.attrs.from === alice.jid, "alice's presence at rita");
        alice.send(`<presence><show>away</show><status>at lunch</status></presence>`);
        await rita.expect((e) => e.name === "presence" && e.attrs.from === alice.jid && e.getChildText("status") === "at lunch", "alice's new status at rita");
        rita.send(`<presence><show>dnd</show><status>busy</status></presence>`);
        await alice.expect((e) => e.name === "presence" && e.attrs.from === rita.jid && e.getChildText("status") === "busy", "rita's new status at alice");
      }));

    it("answers pings both ways: server to server, and client to client", () =>
      withLogs(async () => {
        expect((await alice.iq(`<iq type='get' to='${domain}'><ping xmlns='urn:xmpp:ping'/></iq>`)).attrs).toMatchObject({ type: "result", from: domain });
        expect((await rita.iq(`<iq type='get' to='ours.test'><ping xmlns='urn:xmpp:ping'/></iq>`)).attrs).toMatchObject({ type: "result", from: "ours.test" });
        alice.send(`<iq type='get' id='c2c' to='${rita.jid}'><ping xmlns='urn:xmpp:ping'/></iq>`);
        const req = await rita.expect((e) => e.name === "iq" && e.attrs.id === "c2c", "the ping at rita's client");
        rita.send(`<iq type='result' id='c2c' to='${req.attrs.from}'/>`);
        await alice.expect((e) => e.name === "iq" && e.attrs.id === "c2c" && e.attrs.type === "result", "rita's pong");
        rita.send(`<iq type='get' id='c2c-back' to='${alice.jid}'><ping xmlns='urn:xmpp:ping'/></iq>`);
        const back = await alice.expect((e) => e.name === "iq" && e.attrs.id === "c2c-back", "the ping at alice's client");
        alice.send(`<iq type='result' id='c2c-back' to='${back.attrs.from}'/>`);
        await rita.expect((e) => e.name === "iq" && e.attrs.id === "c2c-back" && e.attrs.type === "result", "alice's pong");
      }));

    it("fetches a remote user's vCard and returns errors for unknown accounts both ways", () =>
      withLogs(async () => {
        const vcard = await alice.iq(`<iq type='get' to='rita@${domain}'><vCard xmlns='vcard-temp'/></iq>`);
        expect(vcard.attrs.from).toBe(`rita@${domain}`);
        expect(["result", "error"]).toContain(vcard.attrs.type);
        const mine = await rita.iq(`<iq type='get' to='alice@ours.test'><vCard xmlns='vcard-temp'/></iq>`);
        expect(mine.attrs.from).toBe("alice@ours.test");
        expect(["result", "error"]).toContain(mine.attrs.type);
        alice.send(`<message to='nobody@${domain}' type='chat' id='x1'><body>?</body></message>`);
        const e1 = await alice.expect((e) => e.name === "message" && e.attrs.id === "x1", "the error from their side");
        expect(e1.attrs.type).toBe("error");
        expect(errorCondition(e1)).toBe("service-unavailable");
        rita.send(`<message to='nobody@ours.test' type='chat' id='x2'><body>?</body></message>`);
        const e2 = await rita.expect((e) => e.name === "message" && e.attrs.id === "x2", "the error from our side");
        expect(e2.attrs.type).toBe("error");
        expect(errorCondition(e2)).toBe("service-unavailable");
      }));

    it("authenticates a self-signed domain of ours by dialback where they exempt it", () =>
      withLogs(async () => {
        dora.send(`<message to='rita@${domain}' type='chat'><body>dialback works</body></message>`);
        await rita.expect(isMessage(dora.jid, "dialback works"), "dora's message at rita");
        rita.send(`<message to='${dora.jid}' type='chat'><body>so it does</body></message>`);
        await dora.expect(isMessage(rita.jid, "so it does"), "rita's answer at dora");
        // A peer advertising dialback errors gets ours3.test multiplexed over an existing link
        // (ejabberd); otherwise ours3.test has a link of its own (Prosody). Dialback either way.
        const link = s2sService(ours.server).manager.all().find((l) => l.remote === domain && l.authorized.has("ours3.test"));
        expect(link).toBeDefined();
        if (link!.local === "ours3.test") expect(link!.external).toBeUndefined();
        else expect(link!.peerDialbackErrors).toBe(true);
        expect(ours.log.join("\n")).toMatch(/from=ours3\.test to=[pe]\.test mechanism=dialback/);
      }));

    it("notices a peer that died (SIGKILL) and bounces what is sent to it afterwards", () =>
      withLogs(async () => {
        await ref.kill();
        const links = () => s2sService(ours.server).manager.all().filter((l) => l.remote === domain);
        for (let i = 0; i < 100 && links().length > 0; i++) await new Promise((r) => setTimeout(r, 50));
        expect(links()).toHaveLength(0);
        alice.send(`<message to='rita@${domain}' type='chat' id='dead'><body>anyone?</body></message>`);
        const err = await alice.expect((e) => e.name === "message" && e.attrs.id === "dead", "the bounce");
        expect(err.attrs).toMatchObject({ type: "error", from: `rita@${domain}` });
        expect(errorCondition(err)).toBe("remote-server-not-found");
      }));
  });
}

const ROOT = process.getuid?.() === 0;

if (PROSODY && PROSODY_HAS_UNBOUND) {
  interopSuite("prosody", "p.test", "127.0.0.22", async (s, cert) =>
    startProsody({
      dir: path.join(s.dir, "prosody"),
      address: "127.0.0.22",
      domain: "p.test",
      dns: s.dns.server,
      cert: cert.cert,
      key: cert.key,
      caFile: s.root.certPath,
      insecureDomains: ["ours3.test"],
    }),
  );
} else {
  it.skip(`Prosody interop: skipped, ${PROSODY ? "lua-unbound is missing (apt-get install lua-unbound)" : "Prosody is not installed (apt-get install prosody lua-unbound)"}`, () => undefined);
}

if (EJABBERDCTL && ROOT) {
  interopSuite("ejabberd", "e.test", "127.0.0.23", async (s, cert) =>
    startEjabberd({
      dir: path.join(s.dir, "ejabberd"),
      address: "127.0.0.23",
      domain: "e.test",
      dns: s.dns.server,
      cert: cert.cert,
      key: cert.key,
      caCert: s.root.cert,
      distPort: await freePort(),
    }),
  );
} else {
  it.skip(`ejabberd interop: skipped, ${EJABBERDCTL ? "ejabberdctl must run as root (it starts the node as the ejabberd user)" : "ejabberd is not installed (apt-get install ejabberd)"}`, () => undefined);
}
