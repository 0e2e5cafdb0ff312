/**
 * ScramClient: refuses bad server messages and verifies the server signature.
 *
 * References:
 * - RFC 5802 §5.1 (nonce must extend the client's; m= must fail), §9 (server authentication)
 * - RFC 7677 §4 (refuse iteration counts below 4096)
 */
import { plainClientResponse, ScramClient } from "./scram-client";

const utf8 = (s: string) => Buffer.from(s, "utf8");
const SALT = "QSXCR+Q6sek8bf92";

function client(extra: Partial<ConstructorParameters<typeof ScramClient>[0]> = {}) {
  return new ScramClient({ hash: "sha1", username: "user", password: "pencil", nonce: "abc", ...extra });
}

describe("ScramClient.first", () => {
  it("escapes ',' and '=' in username and authzid (RFC 5802 §5.1)", () => {
    const c = client({ username: "a,b=c", authzid: "x=y,z" });
    expect(c.first().toString()).toBe("n,a=x=3Dy=2Cz,n=a=2Cb=3Dc,r=abc");
  });

  it("uses p=<type> with a binding, y or n without", () => {
    expect(client({ cbType: "tls-exporter", cbData: Buffer.from([1]) }).first().toString()).toMatch(/^p=tls-exporter,,/);
    expect(client({ gs2Flag: "y" }).first().toString()).toMatch(/^y,,/);
    expect(client().first().toString()).toMatch(/^n,,/);
  });

  it("generates a fresh random nonce by default", () => {
    const a = new ScramClient({ hash: "sha1", username: "u", password: "p" }).first().toString();
    const b = new ScramClient({ hash: "sha1", username: "u", password: "p" }).first().toString();
    expect(a).not.toBe(b);
    expect(a).toMatch(/^n,,n=u,r=[\x21-\x2B\x2D-\x7E]{24}$/);
  });

  it("refuses a binding type without data, and bad nonces", () => {
    expect(() => client({ cbType: "tls-exporter" })).toThrow(RangeError);
    expect(() => client({ nonce: "a,b" })).toThrow(RangeError);
    expect(() => client({ password: "" })).toThrow(RangeError);
  });
});

describe("ScramClient.final refuses a bad server-first-message", () => {
  const cases: Array<[string, string]> = [
    ["nonce that does not extend ours", `r=xyz123,s=${SALT},i=4096`],
    ["nonce equal to ours (server added nothing)", `r=abc,s=${SALT},i=4096`],
    ["iteration count below 4096", `r=abcdef,s=${SALT},i=4095`],
    ["iteration count with leading zero", `r=abcdef,s=${SALT},i=04096`],
    ["absurd iteration count", `r=abcdef,s=${SALT},i=999999999`],
    ["mandatory extension", `m=x,r=abcdef,s=${SALT},i=4096`],
    ["invalid salt", `r=abcdef,s=not*base64,i=4096`],
    ["attributes out of order", `s=${SALT},r=abcdef,i=4096`],
    ["garbage", "hello"],
  ];
  it.each(cases)("%s", async (_label, serverFirst) => {
    await expect(client().final(utf8(serverFirst))).rejects.toThrow(/SCRAM/);
  });

  it("never puts the password in an error", async () => {
    const err = await client({ password: "s3cret-pw" }).final(utf8("r=zz,s=AA==,i=1")).catch((e: Error) => e);
    expect(String((err as Error).message)).not.toContain("s3cret-pw");
  });
});

describe("ScramClient.verify", () => {
  const serverFirst = utf8(`r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=${SALT},i=4096`);
  const good = "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=";

  it("is false before final() and for a wrong, truncated or error answer", async () => {
    const c = client({ nonce: "fyko+d2lbbFgONRv9qkxdawL" });
    expect(c.verify(utf8(good))).toBe(false);
    await c.final(serverFirst);
    expect(c.verify(utf8("v=rmF9pqV8S7suAoZWja4dJRkFsKR="))).toBe(false);
    expect(c.verify(utf8("v=rmF9pqV8S7suAoZWja4dJRkF"))).toBe(false);
    expect(c.verify(utf8("e=invalid-proof"))).toBe(false);
    expect(c.verify(utf8(good))).toBe(true);
  });
});

describe("plainClientResponse", () => {
  it("builds authzid NUL authcid NUL passwd (RFC 4616 §2)", () => {
    expect(plainClientResponse("tim", "tanstaaftanstaaf")).toEqual(Buffer.from("\0tim\0tanstaaftanstaaf"));
    expect(plainClientResponse("tim", "pw", "Ursel")).toEqual(Buffer.from("Ursel\0tim\0pw"));
  });
});
