/**
 * Known-answer tests from the RFCs, run through both our client and our server.
 *
 * References:
 * - RFC 5802 §5 (SCRAM-SHA-1 example, user "user", password "pencil")
 * - RFC 7677 §3 (SCRAM-SHA-256 example, same user and password)
 */
import { deriveScramCredentials, type ScramHash } from "./credentials";
import { createServerMechanism } from "./mechanism";
import { ScramClient } from "./scram-client";
import { makeTestContext } from "./test-support/context";

interface Vector {
  rfc: string;
  mechanism: string;
  hash: ScramHash;
  clientNonce: string;
  serverNonce: string;
  salt: string;
  clientFirst: string;
  serverFirst: string;
  clientFinal: string;
  serverFinal: string;
}

const VECTORS: Vector[] = [
  {
    rfc: "RFC 5802 §5",
    mechanism: "SCRAM-SHA-1",
    hash: "sha1",
    clientNonce: "fyko+d2lbbFgONRv9qkxdawL",
    serverNonce: "3rfcNHYJY1ZVvWVs7j",
    salt: "QSXCR+Q6sek8bf92",
    clientFirst: "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
    serverFirst: "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
    clientFinal: "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
    serverFinal: "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=",
  },
  {
    rfc: "RFC 7677 §3",
    mechanism: "SCRAM-SHA-256",
    hash: "sha256",
    clientNonce: "rOprNGfwEbeRWgbNEkqO",
    serverNonce: "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
    salt: "W22ZaJ0SNY7soEsUEjb6gQ==",
    clientFirst: "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
    serverFirst: "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
    clientFinal:
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
    serverFinal: "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
  },
];

const utf8 = (s: string) => Buffer.from(s, "utf8");

describe.each(VECTORS)("$rfc $mechanism test vector", (v) => {
  it("client produces the RFC's client-first and client-final and accepts its server-final", async () => {
    const client = new ScramClient({ hash: v.hash, username: "user", password: "pencil", nonce: v.clientNonce });
    expect(client.first().toString()).toBe(v.clientFirst);
    expect((await client.final(utf8(v.serverFirst))).toString()).toBe(v.clientFinal);
    expect(client.verify(utf8(v.serverFinal))).toBe(true);
  });

  it("server produces the RFC's server-first and server-final", async () => {
    const stored = await deriveScramCredentials("pencil", v.hash, { salt: Buffer.from(v.salt, "base64"), iterations: 4096 });
    const ctx = makeTestContext({ getScramCredentials: async (u) => (u === "user" ? stored : undefined) });
    const mech = createServerMechanism(v.mechanism, ctx, { serverNonce: () => v.serverNonce })!;

    const first = await mech.step(utf8(v.clientFirst));
    expect(first).toEqual({ kind: "challenge", data: utf8(v.serverFirst) });
    const final = await mech.step(utf8(v.clientFinal));
    expect(final).toEqual({ kind: "success", data: utf8(v.serverFinal), username: "user" });
  });

  it("server rejects the RFC's client-final when the stored password differs", async () => {
    const stored = await deriveScramCredentials("pencil2", v.hash, { salt: Buffer.from(v.salt, "base64"), iterations: 4096 });
    const ctx = makeTestContext({ getScramCredentials: async () => stored });
    const mech = createServerMechanism(v.mechanism, ctx, { serverNonce: () => v.serverNonce })!;
    await mech.step(utf8(v.clientFirst));
    expect(await mech.step(utf8(v.clientFinal))).toEqual({ kind: "failure", condition: "not-authorized" });
  });
});

it("RFC 5802 §5 intermediate ServerKey matches the published value", async () => {
  const stored = await deriveScramCredentials("pencil", "sha1", { salt: Buffer.from("QSXCR+Q6sek8bf92", "base64"), iterations: 4096 });
  expect(Buffer.from(stored.serverKey, "base64").toString("hex")).toBe("0fe09258b3ac852ba502cc62ba903eaacdbf7d31");
});
