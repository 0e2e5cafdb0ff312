/**
 * Mechanism list and factory.
 *
 * References:
 * - RFC 6120 §6.3.3, §6.5.6, §13.8; RFC 5802 §4; XEP-0440; reliability.md AUTH-01
 */
import { createServerMechanism, serverMechanisms } from "./mechanism";
import { makeTestContext } from "./test-support/context";

describe("serverMechanisms", () => {
  it("TLS with channel binding: -PLUS first, strongest first, PLAIN last", () => {
    expect(serverMechanisms({ secure: true, cbTypes: ["tls-exporter", "tls-server-end-point"] })).toEqual([
      "SCRAM-SHA-512-PLUS",
      "SCRAM-SHA-256-PLUS",
      "SCRAM-SHA-1-PLUS",
      "SCRAM-SHA-512",
      "SCRAM-SHA-256",
      "SCRAM-SHA-1",
      "PLAIN",
    ]);
  });

  it("TLS without channel binding: no -PLUS", () => {
    expect(serverMechanisms({ secure: true, cbTypes: [] })).toEqual(["SCRAM-SHA-512", "SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"]);
  });

  it("no TLS: no PLAIN (AUTH-01)", () => {
    expect(serverMechanisms({ secure: false, cbTypes: [] })).toEqual(["SCRAM-SHA-512", "SCRAM-SHA-256", "SCRAM-SHA-1"]);
  });
});

describe("createServerMechanism", () => {
  const names = [
    "SCRAM-SHA-1",
    "SCRAM-SHA-256",
    "SCRAM-SHA-512",
    "SCRAM-SHA-1-PLUS",
    "SCRAM-SHA-256-PLUS",
    "SCRAM-SHA-512-PLUS",
    "PLAIN",
  ];
  it.each(names)("creates %s under its own name", (name) => {
    expect(createServerMechanism(name, makeTestContext())?.name).toBe(name);
  });

  it.each(["plain", "scram-sha-1", "SCRAM-SHA-384", "SCRAM-SHA-1-PLUS-PLUS", "DIGEST-MD5", "", "-PLUS", "X-OAUTH2"])(
    "returns undefined for %j (→ invalid-mechanism)",
    (name) => {
      expect(createServerMechanism(name, makeTestContext())).toBeUndefined();
    },
  );

  it("gives each exchange independent state", async () => {
    const ctx = makeTestContext();
    const a = createServerMechanism("SCRAM-SHA-1", ctx)!;
    const b = createServerMechanism("SCRAM-SHA-1", ctx)!;
    await a.step(Buffer.from("n,,n=user,r=abc"));
    expect((await b.step(Buffer.from("n,,n=user,r=abc"))).kind).toBe("challenge");
  });
});
