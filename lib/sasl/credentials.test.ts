/**
 * Stored SCRAM credentials.
 *
 * References:
 * - RFC 5802 §3, §5.1; RFC 7677 §4; XEP-0438; reliability.md AUTH-04, AUTH-10
 */
import { checkScramPassword, DEFAULT_ITERATIONS, deriveScramCredentials, SCRAM_HASHES } from "./credentials";

const FAST = { iterations: 4096 };

describe("deriveScramCredentials", () => {
  it("defaults to at least 10,000 iterations (AUTH-04)", async () => {
    expect(DEFAULT_ITERATIONS).toBeGreaterThanOrEqual(10000);
    const creds = await deriveScramCredentials("pencil", "sha1");
    expect(creds.iterations).toBe(DEFAULT_ITERATIONS);
  });

  it("uses a fresh random salt of at least 16 bytes per call", async () => {
    const a = await deriveScramCredentials("pencil", "sha256", FAST);
    const b = await deriveScramCredentials("pencil", "sha256", FAST);
    expect(Buffer.from(a.salt, "base64").length).toBeGreaterThanOrEqual(16);
    expect(a.salt).not.toBe(b.salt);
    expect(a.storedKey).not.toBe(b.storedKey);
  });

  it.each(SCRAM_HASHES)("%s: stores only salt, iterations, StoredKey and ServerKey (AUTH-10)", async (hash) => {
    const creds = await deriveScramCredentials("correct horse", hash, FAST);
    expect(Object.keys(creds).sort()).toEqual(["iterations", "salt", "serverKey", "storedKey"]);
    const len = { sha1: 20, sha256: 32, sha512: 64 }[hash];
    expect(Buffer.from(creds.storedKey, "base64").length).toBe(len);
    expect(Buffer.from(creds.serverKey, "base64").length).toBe(len);
    expect(JSON.stringify(creds)).not.toContain("correct horse");
    expect(JSON.stringify(creds)).not.toContain(Buffer.from("correct horse").toString("base64").slice(0, 12));
  });

  it("is deterministic for a given salt and count", async () => {
    const salt = Buffer.alloc(16, 7);
    expect(await deriveScramCredentials("pw", "sha512", { salt, iterations: 4096 })).toEqual(
      await deriveScramCredentials("pw", "sha512", { salt, iterations: 4096 }),
    );
  });

  it("SASLprep's the password (RFC 5802 §5.1): soft hyphen vanishes, ROMAN NUMERAL NINE becomes IX", async () => {
    const salt = Buffer.alloc(16, 1);
    const ref = await deriveScramCredentials("IX", "sha1", { salt, iterations: 4096 });
    expect(await deriveScramCredentials("I\u00ADX", "sha1", { salt, iterations: 4096 })).toEqual(ref);
    expect(await deriveScramCredentials("\u2168", "sha1", { salt, iterations: 4096 })).toEqual(ref);
  });

  it("refuses weak parameters and unusable passwords", async () => {
    await expect(deriveScramCredentials("pw", "sha1", { iterations: 4095 })).rejects.toThrow(RangeError);
    await expect(deriveScramCredentials("pw", "sha1", { iterations: 4096.5 })).rejects.toThrow(RangeError);
    await expect(deriveScramCredentials("", "sha1", FAST)).rejects.toThrow(RangeError);
    await expect(deriveScramCredentials("\u00AD", "sha1", FAST)).rejects.toThrow(RangeError);
    await expect(deriveScramCredentials("a\u0007b", "sha1", FAST)).rejects.toThrow(/SASLprep/);
    await expect(deriveScramCredentials("pw", "sha1", { ...FAST, salt: Buffer.alloc(0) })).rejects.toThrow(RangeError);
  });
});

describe("checkScramPassword", () => {
  it("accepts the right password and rejects others", async () => {
    const creds = await deriveScramCredentials("pencil", "sha256", FAST);
    expect(await checkScramPassword("pencil", "sha256", creds)).toBe(true);
    expect(await checkScramPassword("pencil ", "sha256", creds)).toBe(false);
    expect(await checkScramPassword("Pencil", "sha256", creds)).toBe(false);
    expect(await checkScramPassword("pencil", "sha1", creds)).toBe(false);
  });

  it("applies SASLprep like derivation does", async () => {
    const creds = await deriveScramCredentials("IX", "sha1", FAST);
    expect(await checkScramPassword("\u2168", "sha1", creds)).toBe(true);
  });

  it("is false, not a throw, for unpreparable input or corrupt credentials", async () => {
    const creds = await deriveScramCredentials("pencil", "sha1", FAST);
    expect(await checkScramPassword("a\u0000b", "sha1", creds)).toBe(false);
    expect(await checkScramPassword("pencil", "sha1", { ...creds, salt: "***" })).toBe(false);
  });
});
