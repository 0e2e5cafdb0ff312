/**
 * A requester from another server, over real federation (two of our servers, dialback between
 * self-signed domains): the upload service on m.test refuses nate@n.test with forbidden, while
 * m.test's own account gets a slot through the same path.
 *
 * References: XEP-0363 §5 (a requester not allowed to upload gets an error); RFC 6120 §8.3.3.4
 * (forbidden); RFC 6120 §10.4 (remote routing)
 */
import { TestDnsServer } from "../../lib/dns/test-support/dns-server";
import { startPeer, type Peer } from "../federation/support/peer";
import { FedUser } from "../federation/support/user";
import { errorCondition } from "../support/test-client";
import { slotOf, slotRequest } from "./support";

jest.setTimeout(30_000);

describe("an upload service reached over federation", () => {
  let dns: TestDnsServer;
  let a: Peer;
  let b: Peer;
  const users: FedUser[] = [];

  beforeAll(async () => {
    dns = await new TestDnsServer().start();
    const insecure = (...domains: string[]) => ({ s2s_insecure_domains: domains });
    a = await startPeer({
      address: "127.0.0.7",
      domains: ["m.test"],
      dns,
      hostOptions: { "m.test": insecure("n.test") },
      components: { "upload.m.test": { module: "http-upload", http_upload_ports: [0], s2s_insecure_domains: ["n.test"] } },
    });
    b = await startPeer({ address: "127.0.0.8", domains: ["n.test"], dns, hostOptions: { "n.test": insecure("m.test", "upload.m.test") } });
  });

  afterAll(async () => {
    for (const u of users) await u.disconnect();
    for (const p of [a, b]) await p?.stop();
    await dns?.stop();
  });

  async function login(peer: Peer, jid: string): Promise<FedUser> {
    await peer.addUser(jid, "pw");
    const u = await FedUser.login(jid, "pw", peer.address, peer.c2sPort);
    users.push(u);
    return u;
  }

  it("refuses a remote requester with forbidden and gives the local one a slot", async () => {
    const nate = await login(b, "nate@n.test");
    const refused = await nate.iq(slotRequest("from-afar.txt", 10, "text/plain", "upload.m.test"), 15_000);
    expect(refused.attrs.from).toBe("upload.m.test");
    expect(errorCondition(refused)).toBe("forbidden");

    const mia = await login(a, "mia@m.test");
    const slot = slotOf(await mia.iq(slotRequest("at-home.txt", 10, "text/plain", "upload.m.test")));
    expect(slot.put).toMatch(/^https:\/\/upload\.m\.test:\d+\/upload\//);
  });
});
