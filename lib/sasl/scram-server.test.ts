/**
 * SCRAM server: round trips for all six variants, channel binding, and the attacks of AUTH-03,
 * AUTH-06, AUTH-07 and AUTH-09.
 *
 * References:
 * - RFC 5802 §5.1, §6, §7, §9; RFC 7677; RFC 9266; RFC 5929; XEP-0440
 * - RFC 6120 §6.4.2, §6.5
 * - reliability.md AUTH-03, AUTH-04, AUTH-06, AUTH-07, AUTH-09
 */
import * as crypto from "node:crypto";
import { DEFAULT_ITERATIONS, deriveScramCredentials, type ScramHash } from "./credentials";
import { createServerMechanism, type SaslServerContext, type SaslServerMechanism, type SaslStep } from "./mechanism";
import { ScramClient } from "./scram-client";
import { makeTestContext, type TestContextOptions } from "./test-support/context";

const utf8 = (s: string) => Buffer.from(s, "utf8");
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

const VARIANTS: Array<[string, ScramHash]> = [
  ["SCRAM-SHA-1", "sha1"],
  ["SCRAM-SHA-256", "sha256"],
  ["SCRAM-SHA-512", "sha512"],
];

const EXPORTER = crypto.randomBytes(32);
const END_POINT = crypto.randomBytes(32);
const UNIQUE = crypto.randomBytes(12);

/** A TLS connection offering tls-exporter and tls-server-end-point (XEP-0440), and -PLUS. */
function tlsContext(extra: TestContextOptions = {}): SaslServerContext {
  return makeTestContext({
    cbTypes: ["tls-exporter", "tls-server-end-point"],
    plusOffered: true,
    bindings: { "tls-exporter": EXPORTER, "tls-server-end-point": END_POINT, "tls-unique": UNIQUE },
    ...extra,
  });
}

function mech(name: string, ctx: SaslServerContext): SaslServerMechanism {
  const m = createServerMechanism(name, ctx);
  if (!m) throw new Error(`no mechanism ${name}`);
  return m;
}

/** Run client-first and client-final; return both server answers. */
async function exchange(m: SaslServerMechanism, client: ScramClient): Promise<{ first: SaslStep; final?: SaslStep }> {
  const first = await m.step(client.first());
  if (first.kind !== "challenge") return { first };
  return { first, final: await m.step(await client.final(first.data)) };
}

function expectFailure(step: SaslStep | undefined, condition: string): void {
  expect(step).toMatchObject({ kind: "failure", condition });
}

/**
 * Drive the server with a real client-first, then send a client-final rewritten by `edit`
 * (applied to the honest client-final text).
 */
async function finalWith(
  name: string,
  hash: ScramHash,
  ctx: SaslServerContext,
  clientOpts: Partial<ConstructorParameters<typeof ScramClient>[0]>,
  edit: (honestFinal: string) => string | Buffer,
): Promise<SaslStep> {
  const m = mech(name, ctx);
  const client = new ScramClient({ hash, username: "user", password: "pencil", ...clientOpts });
  const first = await m.step(client.first());
  if (first.kind !== "challenge") throw new Error(`unexpected ${JSON.stringify(first)}`);
  const honest = (await client.final(first.data)).toString();
  const edited = edit(honest);
  return m.step(typeof edited === "string" ? utf8(edited) : edited);
}

describe.each(VARIANTS)("%s round trips", (base, hash) => {
  it("without channel binding (n), on a connection with no -PLUS", async () => {
    const client = new ScramClient({ hash, username: "user", password: "pencil" });
    const { final } = await exchange(mech(base, makeTestContext()), client);
    expect(final).toMatchObject({ kind: "success", username: "user" });
    expect(final).not.toHaveProperty("authzid");
    expect(client.verify((final as { data: Buffer }).data)).toBe(true);
  });

  it("with flag y when the server offered no -PLUS", async () => {
    const client = new ScramClient({ hash, username: "user", password: "pencil", gs2Flag: "y" });
    const { final } = await exchange(mech(base, makeTestContext({ plusOffered: false })), client);
    expect(final).toMatchObject({ kind: "success", username: "user" });
  });

  it.each([
    ["tls-exporter", EXPORTER],
    ["tls-server-end-point", END_POINT],
    ["tls-unique", UNIQUE],
  ])(`${base}-PLUS with %s`, async (cbType, cbData) => {
    const client = new ScramClient({ hash, username: "user", password: "pencil", cbType, cbData });
    const { final } = await exchange(mech(`${base}-PLUS`, tlsContext()), client);
    expect(final).toMatchObject({ kind: "success", username: "user" });
    expect(client.verify((final as { data: Buffer }).data)).toBe(true);
  });

  it(`${base}-PLUS rejects binding data from another TLS connection (AUTH-06)`, async () => {
    const client = new ScramClient({ hash, username: "user", password: "pencil", cbType: "tls-exporter", cbData: crypto.randomBytes(32) });
    const { final } = await exchange(mech(`${base}-PLUS`, tlsContext()), client);
    expectFailure(final, "not-authorized");
  });

  it("rejects a wrong password with not-authorized and no text", async () => {
    const client = new ScramClient({ hash, username: "user", password: "pencil!" });
    const { final } = await exchange(mech(base, makeTestContext()), client);
    expect(final).toEqual({ kind: "failure", condition: "not-authorized" });
  });
});

describe("identities", () => {
  it("unescapes username and returns authzid as sent, without judging it (AUTH-02 is the caller's)", async () => {
    const ctx = makeTestContext({ users: { "o,d=d": "pw" } });
    const client = new ScramClient({ hash: "sha256", username: "o,d=d", password: "pw", authzid: "victim@example.org" });
    expect(client.first().toString()).toContain("n=o=2Cd=3Dd,");
    const { final } = await exchange(mech("SCRAM-SHA-256", ctx), client);
    expect(final).toMatchObject({ kind: "success", username: "o,d=d", authzid: "victim@example.org" });
  });

  it("looks up credentials by the unescaped name and the mechanism's hash", async () => {
    const ctx = makeTestContext({ users: { "a=b": "pw" } });
    const client = new ScramClient({ hash: "sha512", username: "a=b", password: "pw" });
    await exchange(mech("SCRAM-SHA-512", ctx), client);
    expect((ctx as ReturnType<typeof makeTestContext>).credentialLookups).toEqual(["sha512:a=b"]);
  });

  it("accepts lower-case =2c / =3d (ABNF literals are case-insensitive)", async () => {
    const ctx = makeTestContext({ users: { "a,b": "pw" } });
    const m = mech("SCRAM-SHA-1", ctx);
    const first = await m.step(utf8("n,,n=a=2cb,r=abc"));
    expect(first.kind).toBe("challenge");
  });
});

describe("exchange shape", () => {
  it("sends an empty challenge when there is no initial response (RFC 6120 §6.4.2)", async () => {
    const m = mech("SCRAM-SHA-256", makeTestContext());
    expect(await m.step(Buffer.alloc(0))).toEqual({ kind: "challenge", data: Buffer.alloc(0) });
    const client = new ScramClient({ hash: "sha256", username: "user", password: "pencil" });
    const { final } = await exchange(m, client);
    expect(final).toMatchObject({ kind: "success" });
  });

  it("refuses a second empty client-first", async () => {
    const m = mech("SCRAM-SHA-256", makeTestContext());
    await m.step(Buffer.alloc(0));
    expectFailure(await m.step(Buffer.alloc(0)), "malformed-request");
  });

  it("adds at least 18 random bytes to the client nonce, fresh each time", async () => {
    const nonces: string[] = [];
    for (let i = 0; i < 2; i++) {
      const first = await mech("SCRAM-SHA-1", makeTestContext()).step(utf8("n,,n=user,r=cn"));
      const r = /^r=cn([^,]+),s=[^,]+,i=4096$/.exec((first as { data: Buffer }).data.toString());
      expect(r).not.toBeNull();
      expect(Buffer.from(r![1]!, "base64").length).toBeGreaterThanOrEqual(18);
      nonces.push(r![1]!);
    }
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  it("answers any step after the outcome with a failure", async () => {
    const m = mech("SCRAM-SHA-1", makeTestContext());
    const client = new ScramClient({ hash: "sha1", username: "user", password: "pencil" });
    const { final } = await exchange(m, client);
    expect(final?.kind).toBe("success");
    expectFailure(await m.step(Buffer.alloc(0)), "malformed-request");
  });

  it("compares the proof with crypto.timingSafeEqual (AUTH-04)", async () => {
    // The real module object: `import * as` yields an interop copy that spying would not affect.
    const nodeCrypto = jest.requireActual<typeof crypto>("node:crypto");
    const spy = jest.spyOn(nodeCrypto, "timingSafeEqual");
    try {
      const client = new ScramClient({ hash: "sha256", username: "user", password: "pencil" });
      await exchange(mech("SCRAM-SHA-256", makeTestContext()), client);
      // c=, r= and the StoredKey comparison.
      expect(spy.mock.calls.length).toBeGreaterThanOrEqual(3);
      expect(spy.mock.calls.some(([a]) => (a as Buffer).length === 32)).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("unknown users (AUTH-09)", () => {
  it("get a deterministic fake salt and the usual iteration count, then fail exactly like a wrong password", async () => {
    const ctx = makeTestContext({ fakeIterations: undefined });
    const serverFirstOf = async (username: string) => {
      const first = await mech("SCRAM-SHA-256", ctx).step(utf8(`n,,n=${username},r=abc`));
      expect(first.kind).toBe("challenge");
      return /^r=[^,]+,s=([^,]+),i=(\d+)$/.exec((first as { data: Buffer }).data.toString())!;
    };
    const a = await serverFirstOf("nobody");
    const b = await serverFirstOf("nobody");
    const other = await serverFirstOf("someone-else");
    const real = await serverFirstOf("user");
    expect(a[1]).toBe(b[1]);
    expect(a[1]).not.toBe(other[1]);
    expect(Buffer.from(a[1]!, "base64").length).toBe(Buffer.from(real[1]!, "base64").length);
    expect(Number(a[2])).toBe(DEFAULT_ITERATIONS);

    const ghost = new ScramClient({ hash: "sha256", username: "nobody", password: "pencil" });
    const wrong = new ScramClient({ hash: "sha256", username: "user", password: "wrong" });
    const ctxFast = makeTestContext();
    const ghostResult = (await exchange(mech("SCRAM-SHA-256", ctxFast), ghost)).final;
    const wrongResult = (await exchange(mech("SCRAM-SHA-256", ctxFast), wrong)).final;
    expect(ghostResult).toEqual({ kind: "failure", condition: "not-authorized" });
    expect(ghostResult).toEqual(wrongResult);
  });

  it("fake salts differ between servers (keyed by fakeSaltSecret)", async () => {
    const salt = async () =>
      ((await mech("SCRAM-SHA-1", makeTestContext()).step(utf8("n,,n=nobody,r=abc"))) as { data: Buffer }).data
        .toString()
        .split(",")[1];
    expect(await salt()).not.toBe(await salt());
  });
});

describe("channel binding policy (RFC 5802 §6, RFC 9266, XEP-0440)", () => {
  it("flag y while -PLUS was offered is a downgrade → not-authorized (AUTH-03)", async () => {
    const client = new ScramClient({ hash: "sha256", username: "user", password: "pencil", gs2Flag: "y" });
    const { first } = await exchange(mech("SCRAM-SHA-256", tlsContext()), client);
    expectFailure(first, "not-authorized");
  });

  it("flag n while -PLUS was offered is allowed (client without binding support)", async () => {
    const client = new ScramClient({ hash: "sha256", username: "user", password: "pencil" });
    const { final } = await exchange(mech("SCRAM-SHA-256", tlsContext()), client);
    expect(final?.kind).toBe("success");
  });

  it("p= on a non-PLUS mechanism → malformed-request", async () => {
    const client = new ScramClient({ hash: "sha256", username: "user", password: "pencil", cbType: "tls-exporter", cbData: EXPORTER });
    const { first } = await exchange(mech("SCRAM-SHA-256", tlsContext()), client);
    expectFailure(first, "malformed-request");
  });

  it.each(["n", "y"] as const)("flag %s on a -PLUS mechanism → malformed-request", async (gs2Flag) => {
    const client = new ScramClient({ hash: "sha256", username: "user", password: "pencil", gs2Flag });
    const { first } = await exchange(mech("SCRAM-SHA-256-PLUS", tlsContext()), client);
    expect(first).toEqual({ kind: "failure", condition: "malformed-request", text: "-PLUS mechanism requires p=<cb-name>" });
  });

  it("a type the server does not support → failure", async () => {
    const client = new ScramClient({ hash: "sha1", username: "user", password: "pencil", cbType: "tls-unique-for-telnet", cbData: UNIQUE });
    const { first } = await exchange(mech("SCRAM-SHA-1-PLUS", tlsContext()), client);
    expectFailure(first, "malformed-request");
  });

  it("an advertised type whose data is unavailable → failure", async () => {
    const ctx = tlsContext({ channelBinding: () => undefined });
    const client = new ScramClient({ hash: "sha1", username: "user", password: "pencil", cbType: "tls-exporter", cbData: EXPORTER });
    const { first } = await exchange(mech("SCRAM-SHA-1-PLUS", ctx), client);
    expect(first.kind).toBe("failure");
  });

  it("COMPAT(slixmpp): tls-unique is refused when the caller provides no data for it", async () => {
    const ctx = tlsContext({ bindings: { "tls-exporter": EXPORTER } });
    const client = new ScramClient({ hash: "sha512", username: "user", password: "pencil", cbType: "tls-unique", cbData: UNIQUE });
    const { first } = await exchange(mech("SCRAM-SHA-512-PLUS", ctx), client);
    expect(first.kind).toBe("failure");
  });

  it("-PLUS with no binding at all on the connection → failure, not success", async () => {
    const client = new ScramClient({ hash: "sha256", username: "user", password: "pencil", cbType: "tls-exporter", cbData: EXPORTER });
    const { first } = await exchange(mech("SCRAM-SHA-256-PLUS", makeTestContext()), client);
    expect(first.kind).toBe("failure");
  });

  it("c= carrying another GS2 header than client-first → not-authorized", async () => {
    // client-first said "n,,", c= says "y,," (biws vs eSws).
    const step = await finalWith("SCRAM-SHA-1", "sha1", makeTestContext(), {}, (f) => f.replace("c=biws", `c=${b64("y,,")}`));
    expectFailure(step, "not-authorized");
  });

  it("-PLUS c= with only the GS2 header (binding data stripped) → not-authorized", async () => {
    const step = await finalWith(
      "SCRAM-SHA-256-PLUS",
      "sha256",
      tlsContext(),
      { cbType: "tls-exporter", cbData: EXPORTER },
      (f) => f.replace(/^c=[^,]+/, `c=${b64("p=tls-exporter,,")}`),
    );
    expectFailure(step, "not-authorized");
  });

  it("-PLUS c= binding data of another type (end-point instead of exporter) → not-authorized", async () => {
    const cbind = Buffer.concat([utf8("p=tls-exporter,,"), END_POINT]).toString("base64");
    const step = await finalWith(
      "SCRAM-SHA-256-PLUS",
      "sha256",
      tlsContext(),
      { cbType: "tls-exporter", cbData: EXPORTER },
      (f) => f.replace(/^c=[^,]+/, `c=${cbind}`),
    );
    expectFailure(step, "not-authorized");
  });
});

describe("malformed client-first-message (AUTH-03, AUTH-07)", () => {
  const cases: Array<[string, string | Buffer]> = [
    ["unescaped '=' in n=", "n,,n=us=er,r=abc"],
    ["'=' followed by other hex in n=", "n,,n=us=2Der,r=abc"],
    ["unescaped ',' in n= (splits into a bad attribute)", "n,,n=us,er,r=abc"],
    ["empty username", "n,,n=,r=abc"],
    ["reserved m= extension", "n,,m=ext,n=user,r=abc"],
    ["unknown attribute before n=", "n,,x=1,n=user,r=abc"],
    ["duplicate n=", "n,,n=user,n=user,r=abc"],
    ["duplicate r=", "n,,n=user,r=abc,r=def"],
    ["r= before n=", "n,,r=abc,n=user"],
    ["missing r=", "n,,n=user"],
    ["empty nonce", "n,,n=user,r="],
    ["nonce with a space", "n,,n=user,r=a b"],
    ["nonce with non-ASCII", "n,,n=user,r=abcé"],
    ["unknown GS2 flag", "x,,n=user,r=abc"],
    ["p= with an empty type", "p=,,n=user,r=abc"],
    ["p= with an invalid type name", "p=tls_unique,,n=user,r=abc"],
    ["authzid without a=", "n,b=admin,n=user,r=abc"],
    ["authzid with unescaped '='", "n,a=ad=min,n=user,r=abc"],
    ["empty authzid value", "n,a=,n=user,r=abc"],
    ["no GS2 header at all", "n=user,r=abc"],
    ["single comma", "n,n=user"],
    ["trailing comma", "n,,n=user,r=abc,"],
    ["NUL inside", "n,,n=us\u0000er,r=abc"],
    ["invalid UTF-8", Buffer.from([0x6e, 0x2c, 0x2c, 0x6e, 0x3d, 0xff, 0x2c, 0x72, 0x3d, 0x61])],
    ["oversized (1 MB)", `n,,n=user,r=${"a".repeat(1 << 20)}`],
  ];
  it.each(cases)("%s → malformed-request", async (_label, message) => {
    const ctx = makeTestContext();
    const input = typeof message === "string" ? utf8(message) : message;
    expectFailure(await mech("SCRAM-SHA-1", ctx).step(input), "malformed-request");
    expect((ctx as ReturnType<typeof makeTestContext>).credentialLookups).toEqual([]);
  });

  it("says why m= fails (RFC 5802 §5.1)", async () => {
    const step = await mech("SCRAM-SHA-1", makeTestContext()).step(utf8("n,,m=ext,n=user,r=abc"));
    expect(step).toEqual({ kind: "failure", condition: "malformed-request", text: "mandatory extension not supported" });
  });

  it("ignores an unknown extension after the nonce (RFC 5802 §7: MUST be ignored)", async () => {
    const first = await mech("SCRAM-SHA-1", makeTestContext()).step(utf8("n,,n=user,r=abc,x=future"));
    expect(first.kind).toBe("challenge");
  });
});

describe("malformed or forged client-final-message (AUTH-03, AUTH-07)", () => {
  const run = (edit: (f: string) => string | Buffer) => finalWith("SCRAM-SHA-256", "sha256", makeTestContext(), {}, edit);

  it("honest message succeeds (control for the cases below)", async () => {
    expect((await run((f) => f)).kind).toBe("success");
  });

  it("altered nonce → not-authorized", async () => {
    expectFailure(await run((f) => f.replace(/,r=([^,]+)/, (_m, r: string) => `,r=${r}x`)), "not-authorized");
  });

  it("client nonce only (server part dropped) → not-authorized", async () => {
    expectFailure(await run((f) => f.replace(/,r=([^,]+)/, ",r=abc")), "not-authorized");
  });

  it("replayed client-final from another exchange → not-authorized", async () => {
    const ctx = makeTestContext();
    const client = new ScramClient({ hash: "sha256", username: "user", password: "pencil" });
    const m1 = mech("SCRAM-SHA-256", ctx);
    const final1 = await client.final(((await m1.step(client.first())) as { data: Buffer }).data);
    const m2 = mech("SCRAM-SHA-256", ctx);
    await m2.step(client.first());
    expectFailure(await m2.step(final1), "not-authorized");
  });

  it("flipped proof bit → not-authorized", async () => {
    expectFailure(
      await run((f) => {
        const [head, proof] = f.split(",p=") as [string, string];
        const bytes = Buffer.from(proof, "base64");
        bytes[0]! ^= 1;
        return `${head},p=${bytes.toString("base64")}`;
      }),
      "not-authorized",
    );
  });

  it("extension inserted before p= changes AuthMessage → not-authorized", async () => {
    expectFailure(await run((f) => f.replace(",p=", ",x=1,p=")), "not-authorized");
  });

  const malformed: Array<[string, (f: string) => string | Buffer]> = [
    ["missing p=", (f) => f.split(",p=")[0]!],
    ["p= not last", (f) => `${f},x=1`],
    ["duplicate p=", (f) => `${f},p=${f.split(",p=")[1]}`],
    ["duplicate r=", (f) => f.replace(",p=", `,r=${/,r=([^,]+)/.exec(f)![1]},p=`)],
    ["c= missing", (f) => f.replace(/^c=[^,]+,/, "")],
    ["r= before c=", (f) => f.replace(/^(c=[^,]+),(r=[^,]+)/, "$2,$1")],
    ["m= extension", (f) => `m=x,${f}`],
    ["c= invalid base64", (f) => f.replace(/^c=[^,]+/, "c=bi*s")],
    ["c= unpadded base64", (f) => f.replace(/^c=[^,]+/, "c=biw")],
    ["p= invalid base64", (f) => f.replace(/,p=.*/, ",p=!!!!")],
    ["p= wrong length", (f) => f.replace(/,p=.*/, `,p=${Buffer.alloc(20).toString("base64")}`)],
    ["empty", () => ""],
    ["oversized", (f) => `${f.split(",p=")[0]},x=${"a".repeat(5000)},p=${f.split(",p=")[1]}`],
    ["not UTF-8", (f) => Buffer.concat([utf8(f.split(",p=")[0]!), Buffer.from([0xc3, 0x28]), utf8(`,p=${f.split(",p=")[1]}`)])],
    ["NUL inside", (f) => f.replace(",p=", ",x=\u0000,p=")],
  ];
  it.each(malformed)("%s → malformed-request", async (_label, edit) => {
    expectFailure(await run(edit), "malformed-request");
  });
});

describe("storage faults", () => {
  it("a throwing credential store → temporary-auth-failure", async () => {
    const ctx = makeTestContext({
      getScramCredentials: async () => {
        throw new Error("db down");
      },
    });
    expectFailure(await mech("SCRAM-SHA-1", ctx).step(utf8("n,,n=user,r=abc")), "temporary-auth-failure");
  });

  it("corrupt stored credentials → temporary-auth-failure", async () => {
    const good = await deriveScramCredentials("pencil", "sha1", { iterations: 4096 });
    const ctx = makeTestContext({ getScramCredentials: async () => ({ ...good, storedKey: "AAAA" }) });
    expectFailure(await mech("SCRAM-SHA-1", ctx).step(utf8("n,,n=user,r=abc")), "temporary-auth-failure");
  });

  it("credentials of the wrong hash length are not used → temporary-auth-failure", async () => {
    const sha1 = await deriveScramCredentials("pencil", "sha1", { iterations: 4096 });
    const ctx = makeTestContext({ getScramCredentials: async () => sha1 });
    expectFailure(await mech("SCRAM-SHA-256", ctx).step(utf8("n,,n=user,r=abc")), "temporary-auth-failure");
  });
});
