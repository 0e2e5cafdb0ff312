/**
 * PLAIN server.
 *
 * References:
 * - RFC 4616 §2, §4; RFC 6120 §6.4.2, §6.5.3, §13.8
 * - reliability.md AUTH-01, AUTH-02, AUTH-07, AUTH-09
 */
import { createServerMechanism, type SaslServerContext } from "./mechanism";
import { plainClientResponse } from "./plain-client";
import { parsePlainMessage } from "./plain-server";
import { makeTestContext } from "./test-support/context";

function plain(ctx: SaslServerContext) {
  return createServerMechanism("PLAIN", ctx)!;
}

describe("PLAIN", () => {
  it("authenticates and returns the authcid", async () => {
    const step = await plain(makeTestContext()).step(plainClientResponse("user", "pencil"));
    expect(step).toEqual({ kind: "success", username: "user" });
  });

  it("returns the authzid as sent, without judging it (AUTH-02 is the caller's)", async () => {
    const step = await plain(makeTestContext()).step(plainClientResponse("user", "pencil", "victim@example.org"));
    expect(step).toEqual({ kind: "success", username: "user", authzid: "victim@example.org" });
  });

  it("refuses without TLS with encryption-required, never checking the password (AUTH-01)", async () => {
    const checkPassword = jest.fn(async () => true);
    const step = await plain(makeTestContext({ secure: false, checkPassword })).step(plainClientResponse("user", "pencil"));
    expect(step).toEqual({ kind: "failure", condition: "encryption-required" });
    expect(checkPassword).not.toHaveBeenCalled();
  });

  it("refuses without TLS even before an initial response", async () => {
    const step = await plain(makeTestContext({ secure: false })).step(Buffer.alloc(0));
    expect(step).toMatchObject({ kind: "failure", condition: "encryption-required" });
  });

  it("wrong password and unknown user fail identically, without text (AUTH-09)", async () => {
    const wrong = await plain(makeTestContext()).step(plainClientResponse("user", "pencil2"));
    const ghost = await plain(makeTestContext()).step(plainClientResponse("ghost", "pencil"));
    expect(wrong).toEqual({ kind: "failure", condition: "not-authorized" });
    expect(ghost).toEqual(wrong);
  });

  it("passes the password to checkPassword exactly as sent", async () => {
    const checkPassword = jest.fn(async () => true);
    await plain(makeTestContext({ checkPassword })).step(plainClientResponse("user", "p\u00E4ss wörd"));
    expect(checkPassword).toHaveBeenCalledWith("user", "p\u00E4ss wörd");
  });

  it("sends an empty challenge when there is no initial response, then accepts the response", async () => {
    const m = plain(makeTestContext());
    expect(await m.step(Buffer.alloc(0))).toEqual({ kind: "challenge", data: Buffer.alloc(0) });
    expect(await m.step(plainClientResponse("user", "pencil"))).toMatchObject({ kind: "success" });
  });

  it("an empty response after the empty challenge is malformed", async () => {
    const m = plain(makeTestContext());
    await m.step(Buffer.alloc(0));
    expect(await m.step(Buffer.alloc(0))).toMatchObject({ kind: "failure", condition: "malformed-request" });
  });

  it("a throwing password check → temporary-auth-failure", async () => {
    const ctx = makeTestContext({
      checkPassword: async () => {
        throw new Error("db down");
      },
    });
    expect(await plain(ctx).step(plainClientResponse("user", "pencil"))).toEqual({
      kind: "failure",
      condition: "temporary-auth-failure",
    });
  });

  it("answers any step after the outcome with a failure", async () => {
    const m = plain(makeTestContext());
    await m.step(plainClientResponse("user", "pencil"));
    expect(await m.step(plainClientResponse("user", "pencil"))).toMatchObject({ kind: "failure", condition: "malformed-request" });
  });

  it("never echoes the password in a failure", async () => {
    const m = plain(makeTestContext());
    const step = await m.step(Buffer.from("user\0secret-pw"));
    expect(JSON.stringify(step)).not.toContain("secret-pw");
  });

  const malformed: Array<[string, Buffer]> = [
    ["no NUL", Buffer.from("userpencil")],
    ["one NUL", Buffer.from("user\0pencil")],
    ["three NULs", Buffer.from("\0user\0pen\0cil")],
    ["empty authcid", Buffer.from("\0\0pencil")],
    ["empty password", Buffer.from("\0user\0")],
    ["authcid over 1023 bytes", Buffer.from(`\0${"u".repeat(1024)}\0pencil`)],
    ["password over 1023 bytes", Buffer.from(`\0user\0${"p".repeat(1024)}`)],
    ["authzid over 1023 bytes", Buffer.from(`${"a".repeat(1024)}\0user\0pencil`)],
    ["invalid UTF-8 in the password", Buffer.concat([Buffer.from("\0user\0"), Buffer.from([0xff, 0xfe])])],
    ["overlong UTF-8 NUL in authcid", Buffer.concat([Buffer.from("\0us"), Buffer.from([0xc0, 0x80]), Buffer.from("er\0pw")])],
    ["1 MB", Buffer.alloc(1 << 20, 0x61)],
  ];
  it.each(malformed)("%s → malformed-request, password not checked", async (_label, input) => {
    const checkPassword = jest.fn(async () => true);
    const step = await plain(makeTestContext({ checkPassword })).step(input);
    expect(step).toMatchObject({ kind: "failure", condition: "malformed-request" });
    expect(checkPassword).not.toHaveBeenCalled();
  });

  it("accepts fields of exactly 1023 bytes", () => {
    const f = "x".repeat(1023);
    expect(parsePlainMessage(Buffer.from(`${f}\0${f}\0${f}`))).toEqual({ authzid: f, authcid: f, password: f });
  });
});
