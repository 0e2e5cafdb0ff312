/**
 * Throw-away PKI for tests, made with the openssl CLI (ECDSA P-256) in a temp directory.
 * Backdated certificates come from @peculiar/x509 because OpenSSL 3.0's `x509 -req` cannot set
 * notBefore/notAfter explicitly.
 *
 * References:
 * - RFC 5280 §4.1, §4.2 (certificate fields and extensions)
 */
import { execFileSync } from "node:child_process";
import { randomBytes, webcrypto } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { x509 } from "../x509";

export interface Issued {
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

export class TestPki {
  private n = 0;
  constructor(readonly dir: string) {}

  private read(base: string): Issued {
    const certPath = path.join(this.dir, `${base}.crt`);
    const keyPath = path.join(this.dir, `${base}.key`);
    return { certPath, keyPath, cert: readFileSync(certPath, "utf8"), key: readFileSync(keyPath, "utf8") };
  }

  /**
   * Self-signed certificate. `ext` lines are openssl -addext values; `keyArgs` replace the default
   * P-256 key (and may add a digest such as "-sha384").
   */
  selfSigned(base: string, subject: string, ext: string[] = [], days = 30, keyArgs = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]): Issued {
    const args = ["req", "-x509", ...keyArgs, "-nodes"];
    args.push("-keyout", `${base}.key`, "-out", `${base}.crt`, "-days", String(days), "-subj", subject);
    for (const e of ext) args.push("-addext", e);
    openssl(args, this.dir);
    return this.read(base);
  }

  rootCa(base: string, cn = "Test Root CA"): Issued {
    return this.selfSigned(base, `/CN=${cn}`, ["keyUsage=critical,keyCertSign,cRLSign"], 30);
  }

  /**
   * Certificate signed by `issuer`. `san` is an openssl subjectAltName value or undefined for none;
   * `sanSection` lines go into an `[alt]` section instead, where values are not split at commas
   * (needed for `FORMAT:UTF8,UTF8:…`: plain `UTF8:` re-encodes the bytes as Latin-1).
   * `ca` makes it an intermediate CA.
   */
  issue(base: string, issuer: Issued, opts: { subject?: string; san?: string; sanSection?: string[]; ca?: boolean; days?: number } = {}): Issued {
    const subject = opts.subject ?? `/CN=${base}`;
    openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${base}.key`, "-out", `${base}.csr`, "-subj", subject], this.dir);
    const ext = opts.ca
      ? ["basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign,cRLSign"]
      : ["basicConstraints=CA:FALSE", "extendedKeyUsage=serverAuth,clientAuth"];
    if (opts.san) ext.push(`subjectAltName=${opts.san}`);
    if (opts.sanSection) ext.push("subjectAltName=@alt", "[alt]", ...opts.sanSection);
    const extFile = path.join(this.dir, `${base}.ext`);
    writeFileSync(extFile, ext.join("\n") + "\n");
    const serial = `0x${(++this.n).toString(16)}${randomBytes(8).toString("hex")}`;
    openssl(["x509", "-req", "-in", `${base}.csr`, "-CA", issuer.certPath, "-CAkey", issuer.keyPath, "-set_serial", serial, "-days", String(opts.days ?? 30), "-sha256", "-extfile", extFile, "-out", `${base}.crt`], this.dir);
    return this.read(base);
  }

  /** Leaf with explicit validity dates, signed by an ECDSA P-256 `issuer`. */
  async issueWithDates(base: string, issuer: Issued, dnsNames: string[], notBefore: Date, notAfter: Date): Promise<Issued> {
    const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
    const issuerKey = await webcrypto.subtle.importKey("pkcs8", pemBody(issuer.key), alg, false, ["sign"]);
    const keys = (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: `01${randomBytes(8).toString("hex")}`,
      subject: `CN=${base}`,
      issuer: new x509.X509Certificate(issuer.cert).subject,
      notBefore,
      notAfter,
      signingAlgorithm: alg,
      publicKey: keys.publicKey as never,
      signingKey: issuerKey as never,
      extensions: [new x509.SubjectAlternativeNameExtension(dnsNames.map((value) => ({ type: "dns" as const, value })))],
    });
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey)).toString("base64");
    const certPath = path.join(this.dir, `${base}.crt`);
    const keyPath = path.join(this.dir, `${base}.key`);
    writeFileSync(certPath, cert.toString("pem") + "\n");
    writeFileSync(keyPath, `-----BEGIN PRIVATE KEY-----\n${pkcs8.replace(/.{64}/g, "$&\n")}\n-----END PRIVATE KEY-----\n`);
    return this.read(base);
  }
}

function pemBody(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
}
