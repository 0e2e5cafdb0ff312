/**
 * RFC 6120 §13.12 (and XEP-0205 §4.1–4.2): limits on client connections per source address,
 * enforced at accept, before TLS. A refused connection on the STARTTLS port gets a
 * policy-violation stream error; connections already open are not affected.
 */
import net from "node:net";
import tls from "node:tls";
import { startTestServer, TestServer } from "../support/harness";
import { TestClient } from "../support/test-client";

const HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";

/** Connects, sends a stream header, and collects what the server says until `until` shows up or the socket closes. */
function probe(port: number, until: RegExp): Promise<{ data: string; closed: boolean; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(HEADER));
    let data = "";
    const timer = setTimeout(() => reject(new Error(`no ${String(until)} within 5 s; got ${data}`)), 5000);
    socket.on("data", (d) => {
      data += d.toString();
      if (until.test(data)) {
        clearTimeout(timer);
        resolve({ data, closed: false, socket });
      }
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ data, closed: true, socket });
    });
  });
}

const FEATURES = /<stream:features/;
const REFUSED = /<policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'\/>/;

describe("c2s_max_connections_per_ip", () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer({ yaml: "c2s_max_connections_per_ip: 3\nc2s_connection_rate: 0" });
    await ts.addUser("alice", "pw-alice");
  });
  afterAll(() => ts.stop());

  it("refuses the connection over the limit with policy-violation, and lets existing ones work", async () => {
    const alice = await TestClient.login(ts, "alice", "pw-alice");
    const open = [await probe(ts.c2sPort, FEATURES), await probe(ts.c2sPort, FEATURES)];
    expect(open.every((p) => !p.closed)).toBe(true);

    const refused = await probe(ts.c2sPort, /<\/stream:stream>/);
    expect(refused.data).toMatch(REFUSED);
    expect(refused.data).toMatch(/Too many connections from your address/);

    // Direct TLS is refused before the handshake: the TLS client sees the connection go away.
    const tlsErr = await new Promise<Error | undefined>((resolve) => {
      const t = tls.connect({ port: ts.directTlsPort, host: "127.0.0.1", rejectUnauthorized: false }, () => {
        t.destroy();
        resolve(undefined);
      });
      t.on("error", resolve);
    });
    expect(tlsErr?.message).toMatch(/ECONNRESET|disconnected|hang up/);

    // The session that was there before still works.
    const pong = await alice.iq("<iq type='get' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
    expect(pong.attrs.type).toBe("result");

    // Closing one makes room for the next.
    open[0]!.socket.destroy();
    let again = await probe(ts.c2sPort, /<stream:features|<\/stream:stream>/);
    for (let i = 0; i < 50 && REFUSED.test(again.data); i++) {
      await new Promise((r) => setTimeout(r, 20));
      again = await probe(ts.c2sPort, /<stream:features|<\/stream:stream>/);
    }
    expect(again.data).toMatch(FEATURES);
    again.socket.destroy();
    open[1]!.socket.destroy();
    await alice.disconnect();
  });
});

describe("c2s_connection_rate", () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer({ yaml: "c2s_connection_rate: 1\nc2s_connection_burst: 3" });
  });
  afterAll(() => ts.stop());

  it("accepts a burst, then refuses new connections that come faster than the rate", async () => {
    const burst = [];
    for (let i = 0; i < 3; i++) burst.push(await probe(ts.c2sPort, FEATURES));
    expect(burst.every((p) => FEATURES.test(p.data))).toBe(true);
    const refused = await probe(ts.c2sPort, /<\/stream:stream>/);
    expect(refused.data).toMatch(REFUSED);
    expect(refused.data).toMatch(/Too many new connections/);
    for (const p of burst) p.socket.destroy();
  });
});
