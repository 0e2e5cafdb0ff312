import { X509Certificate, createPrivateKey } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { generateSelfSigned } from "./self-signed";
import { removeDir, tempDir } from "./test-support/pki";
import { x509 } from "./x509";

describe("generateSelfSigned", () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir("selfsigned");
  });
  afterEach(() => removeDir(dir));

  test("writes a P-256 certificate Node can parse, with the SAN and the requested validity", async () => {
    const before = Date.now();
    const entry = await generateSelfSigned("Example.COM", dir, { days: 10, altNames: ["conference.example.com"] });
    expect(entry.certPath).toBe(path.join(dir, "example.com.crt"));
    expect(entry.keyPath).toBe(path.join(dir, "example.com.key"));
    expect(entry.names).toEqual(["example.com", "conference.example.com"]);
    expect(entry.selfSigned).toBe(true);

    const cert = new X509Certificate(readFileSync(entry.certPath));
    expect(cert.subjectAltName).toBe("DNS:example.com, DNS:conference.example.com");
    expect(cert.publicKey.asymmetricKeyType).toBe("ec");
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.ca).toBe(false);
    const notBefore = Date.parse(cert.validFrom);
    const notAfter = Date.parse(cert.validTo);
    // notBefore is backdated by an hour for peers with slow clocks.
    expect(notBefore).toBeLessThanOrEqual(before - 3600_000 + 1000);
    expect(notBefore).toBeGreaterThan(before - 3600_000 - 5000);
    expect(Math.abs(notAfter - (before + 10 * 86400_000))).toBeLessThan(5000);
    expect(Math.abs(entry.notAfter.getTime() - notAfter)).toBeLessThan(1000);

    const key = createPrivateKey(readFileSync(entry.keyPath));
    expect(cert.checkPrivateKey(key)).toBe(true);
  });

  test("signs with ECDSA SHA-256 and uses a random serial", async () => {
    const a = await generateSelfSigned("a.example", dir);
    const b = await generateSelfSigned("b.example", dir);
    const pa = new x509.X509Certificate(readFileSync(a.certPath, "utf8"));
    expect(pa.signatureAlgorithm).toMatchObject({ name: "ECDSA", hash: { name: "SHA-256" } });
    const sa = new X509Certificate(readFileSync(a.certPath)).serialNumber;
    const sb = new X509Certificate(readFileSync(b.certPath)).serialNumber;
    expect(sa).not.toBe(sb);
    expect(sa.length).toBeGreaterThanOrEqual(30);
  });

  test("the key file is mode 0600, whatever the umask", async () => {
    const entry = await generateSelfSigned("example.net", dir);
    expect(statSync(entry.keyPath).mode & 0o777).toBe(0o600);
    const saved = process.umask(0o277);
    try {
      const strict = await generateSelfSigned("strict.example", dir);
      expect(statSync(strict.keyPath).mode & 0o777).toBe(0o600);
      expect(statSync(strict.certPath).mode & 0o777).toBe(0o644);
    } finally {
      process.umask(saved);
    }
  });

  test("an IDN host is written as its A-label", async () => {
    const entry = await generateSelfSigned("bücher.example", dir);
    expect(entry.names).toEqual(["xn--bcher-kva.example"]);
    expect(new X509Certificate(readFileSync(entry.certPath)).subjectAltName).toBe("DNS:xn--bcher-kva.example");
  });

  test("refuses host names that are not DNS names (no path tricks)", async () => {
    await expect(generateSelfSigned("../etc/passwd", dir)).rejects.toThrow(/invalid host name/);
    await expect(generateSelfSigned("a/b", dir)).rejects.toThrow(/invalid host name/);
  });
});
