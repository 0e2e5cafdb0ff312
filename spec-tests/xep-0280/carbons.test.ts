/**
 * XEP-0280 Message Carbons: copies of sent and received chat messages reach the user's other
 * carbons-enabled resources, wrapped and from the user's bare JID.
 */
import type { Element } from "ltx";
import { startTestServer, TestServer } from "../support/harness";
import { TestClient } from "../support/test-client";

const CARBONS = "urn:xmpp:carbons:2";
let ts: TestServer;
const clients: TestClient[] = [];

async function login(local: string, resource: string): Promise<TestClient> {
  const c = await TestClient.login(ts, local, "pw", { resource });
  clients.push(c);
  c.send("<presence/>");
  return c;
}

const carbon = (kind: "sent" | "received") => (e: Element) => e.name === "message" && e.getChild(kind, CARBONS) !== undefined;
const forwardedBody = (e: Element) => e.getChild("sent", CARBONS)?.getChild("forwarded", "urn:xmpp:forward:0")?.getChild("message")?.getChildText("body")
  ?? e.getChild("received", CARBONS)?.getChild("forwarded", "urn:xmpp:forward:0")?.getChild("message")?.getChildText("body");

beforeAll(async () => {
  ts = await startTestServer();
  for (const u of ["romeo", "juliet", "nurse"]) await ts.addUser(u, "pw");
});
afterEach(async () => {
  for (const c of clients.splice(0)) await c.disconnect();
});
afterAll(async () => ts?.stop());

describe("XEP-0280 message carbons", () => {
  it("§4: the server advertises urn:xmpp:carbons:2", async () => {
    const r = await login("romeo", "a");
    const info = await r.iq(`<iq type='get' to='${ts.domain}'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`);
    const features = info.getChild("query")!.getChildren("feature").map((f) => f.attrs.var);
    expect(features).toContain(CARBONS);
  });

  it("§6: a received chat message is copied to the other enabled resource; a sent one too; disabled resources get nothing", async () => {
    const r1 = await login("romeo", "orchard");
    const r2 = await login("romeo", "garden");
    const r3 = await login("romeo", "no-carbons");
    const j = await login("juliet", "balcony");
    for (const r of [r1, r2]) expect((await r.iq(`<iq type='set'><enable xmlns='${CARBONS}'/></iq>`)).attrs.type).toBe("result");

    j.send(`<message to='${r1.jid}' type='chat' id='m1'><body>to orchard</body></message>`);
    await r1.expect((e) => e.name === "message" && e.getChildText("body") === "to orchard", "the original");
    const rc = await r2.expect(carbon("received"), "a received carbon");
    expect(rc.attrs.from).toBe(r2.bare);
    expect(forwardedBody(rc)).toBe("to orchard");
    expect(rc.getChild("received", CARBONS)!.getChild("forwarded", "urn:xmpp:forward:0")!.getChild("message")!.attrs.from).toBe(j.jid);

    r1.send(`<message to='${j.bare}' type='chat' id='m2'><body>from orchard</body></message>`);
    await j.expect((e) => e.getChildText("body") === "from orchard", "the reply");
    const sc = await r2.expect(carbon("sent"), "a sent carbon");
    expect(sc.attrs.from).toBe(r2.bare);
    expect(forwardedBody(sc)).toBe("from orchard");

    await r3.expectNone((e) => carbon("sent")(e) || carbon("received")(e), "carbons on a resource that did not enable them");
    await r1.expectNone(carbon("sent"), "a carbon of its own message");
  });

  it("§7: <private/> messages and headlines are not copied; disable stops copies", async () => {
    const r1 = await login("romeo", "one");
    const r2 = await login("romeo", "two");
    const n = await login("nurse", "n");
    await r1.iq(`<iq type='set'><enable xmlns='${CARBONS}'/></iq>`);
    await r2.iq(`<iq type='set'><enable xmlns='${CARBONS}'/></iq>`);
    r1.send(`<message to='${n.bare}' type='chat'><body>secret</body><private xmlns='${CARBONS}'/><no-copy xmlns='urn:xmpp:hints'/></message>`);
    await n.expect((e) => e.getChildText("body") === "secret", "the private message");
    await r2.expectNone(carbon("sent"), "a carbon of a private message");

    await r2.iq(`<iq type='set'><disable xmlns='${CARBONS}'/></iq>`);
    n.send(`<message to='${r1.jid}' type='chat'><body>after disable</body></message>`);
    await r1.expect((e) => e.getChildText("body") === "after disable", "the message");
    await r2.expectNone(carbon("received"), "a carbon after disable");
  });
});
