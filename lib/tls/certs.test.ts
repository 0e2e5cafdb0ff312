import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { CertificateStore, generateSelfSigned } from "./certs";
import { removeDir, tempDir, TestPki } from "./test-support/pki";

function logger() {
  const info: string[] = [];
  const warn: string[] = [];
  return { info, warn, log: { info: (m: string) => info.push(m), warn: (m: string) => warn.push(m) } };
}

describe("CertificateStore", () => {
  let dir: string;
  let scratch: string;
  beforeEach(() => {
    dir = tempDir("store");
    scratch = tempDir("store-pki");
  });
  afterEach(() => {
    removeDir(dir);
    removeDir(scratch);
  });

  test("finds a certificate by exact dNSName, case-insensitively and by U-label", async () => {
    await generateSelfSigned("a.example", dir, { altNames: ["xn--bcher-kva.example"] });
    await generateSelfSigned("b.example", dir);
    const store = new CertificateStore(dir);
    await store.load();
    expect(store.find("A.EXAMPLE")?.certPath).toBe(path.join(dir, "a.example.crt"));
    expect(store.find("b.example")?.certPath).toBe(path.join(dir, "b.example.crt"));
    expect(store.find("bücher.example")?.certPath).toBe(path.join(dir, "a.example.crt"));
    expect(store.find("c.example")).toBeUndefined();
    expect(store.find("../a.example")).toBeUndefined();
  });

  test("a wildcard covers exactly one left-most label", async () => {
    const pki = new TestPki(dir);
    pki.selfSigned("wild", "/CN=wild", ["subjectAltName=DNS:*.w.example"]);
    const store = new CertificateStore(dir);
    await store.load();
    expect(store.find("a.w.example")?.names).toEqual(["*.w.example"]);
    expect(store.find("w.example")).toBeUndefined();
    expect(store.find("a.b.w.example")).toBeUndefined();
  });

  test("an exact name beats a wildcard that lasts longer", async () => {
    new TestPki(dir).selfSigned("wild", "/CN=wild", ["subjectAltName=DNS:*.w.example"], 300);
    await generateSelfSigned("a.w.example", dir, { days: 10 });
    const store = new CertificateStore(dir);
    await store.load();
    expect(store.find("a.w.example")?.certPath).toBe(path.join(dir, "a.w.example.crt"));
    expect(store.find("z.w.example")?.certPath).toBe(path.join(dir, "wild.crt"));
  });

  test("prefers the certificate with the latest notAfter, whatever the file order", async () => {
    await generateSelfSigned("a1.example", dir, { days: 10, altNames: ["s1.example"] });
    await generateSelfSigned("z1.example", dir, { days: 100, altNames: ["s1.example"] });
    await generateSelfSigned("a2.example", dir, { days: 100, altNames: ["s2.example"] });
    await generateSelfSigned("z2.example", dir, { days: 10, altNames: ["s2.example"] });
    const store = new CertificateStore(dir);
    await store.load();
    expect(store.find("s1.example")?.certPath).toBe(path.join(dir, "z1.example.crt"));
    expect(store.find("s2.example")?.certPath).toBe(path.join(dir, "a2.example.crt"));
  });

  test("ignores a garbage file and a mismatched key with a warning, keeps the rest; a lone key is not an error", async () => {
    await generateSelfSigned("good.example", dir);
    writeFileSync(path.join(dir, "garbage.crt"), "this is not a certificate\n");
    const other = await generateSelfSigned("other.example", scratch);
    writeFileSync(path.join(dir, "mismatch.crt"), readFileSync(other.certPath));
    writeFileSync(path.join(dir, "mismatch.key"), readFileSync(path.join(dir, "good.example.key")));
    writeFileSync(path.join(dir, "lonely.pem"), readFileSync(other.keyPath));
    const { warn, log } = logger();
    const store = new CertificateStore(dir, log);
    await store.load();
    expect(store.list().map((e) => path.basename(e.certPath))).toEqual(["good.example.crt"]);
    expect(warn).toHaveLength(2);
    expect(warn.find((w) => w.includes("garbage.crt"))).toMatch(/no PEM certificate/);
    expect(warn.find((w) => w.includes("mismatch.crt"))).toMatch(/does not belong/);
  });

  test("a CN-only certificate is ignored with a warning (RFC 9525: no CN-ID)", async () => {
    new TestPki(dir).selfSigned("cn-only", "/CN=cn.example");
    const { warn, log } = logger();
    const store = new CertificateStore(dir, log);
    await store.load();
    expect(store.find("cn.example")).toBeUndefined();
    expect(warn.join("\n")).toMatch(/cn-only\.crt has no dNSName/);
  });

  test("reads the Let's Encrypt layout (host/fullchain.pem + privkey.pem) and a combined cert+key PEM", async () => {
    const pki = new TestPki(scratch);
    const ca = pki.rootCa("ca");
    const leaf = pki.issue("le", ca, { san: "DNS:le.example" });
    const le = path.join(dir, "le.example");
    mkdirSync(le);
    writeFileSync(path.join(le, "fullchain.pem"), leaf.cert + ca.cert);
    writeFileSync(path.join(le, "cert.pem"), leaf.cert);
    writeFileSync(path.join(le, "chain.pem"), ca.cert);
    writeFileSync(path.join(le, "privkey.pem"), leaf.key);
    const combined = pki.issue("combo", ca, { san: "DNS:combo.example" });
    writeFileSync(path.join(dir, "combo.pem"), combined.cert + combined.key);
    const { warn, log } = logger();
    const store = new CertificateStore(dir, log);
    await store.load();
    expect(warn).toEqual([]);
    expect(store.find("le.example")).toMatchObject({ certPath: path.join(le, "fullchain.pem"), keyPath: path.join(le, "privkey.pem"), selfSigned: false });
    expect(store.find("combo.example")).toMatchObject({ certPath: path.join(dir, "combo.pem"), keyPath: path.join(dir, "combo.pem") });
    expect(store.list()).toHaveLength(2);
  });

  test("ensure() generates once, logs it, and a reloaded store reuses the files", async () => {
    const first = logger();
    const store = new CertificateStore(dir, first.log);
    await store.load();
    const [a, b] = await Promise.all([store.ensure("example.org"), store.ensure("EXAMPLE.org")]);
    expect(a).toBe(b);
    expect(a).toMatchObject({ certPath: path.join(dir, "example.org.crt"), keyPath: path.join(dir, "example.org.key"), selfSigned: true });
    expect(first.info).toEqual([`generated a self-signed certificate for example.org at ${a.certPath}`]);
    expect(await store.ensure("example.org")).toBe(a);
    expect(first.info).toHaveLength(1);

    const second = logger();
    const again = new CertificateStore(dir, second.log);
    await again.load();
    const reused = await again.ensure("example.org");
    expect(reused.certPath).toBe(a.certPath);
    expect(reused.selfSigned).toBe(true);
    expect(reused.notAfter.getTime()).toBe(a.notAfter.getTime());
    expect(second.info).toEqual([]);
  });

  test("ensure() replaces its own self-signed certificate when it is about to run out", async () => {
    await generateSelfSigned("stale.example", dir, { days: 0.5 });
    const { info, log } = logger();
    const store = new CertificateStore(dir, log);
    await store.load();
    const fresh = await store.ensure("stale.example");
    expect(info).toHaveLength(1);
    expect(fresh.notAfter.getTime()).toBeGreaterThan(Date.now() + 300 * 86400_000);
    expect(store.list()).toEqual([fresh]);
  });

  test("ensure() never overwrites a file it could not load", async () => {
    writeFileSync(path.join(dir, "bad.example.crt"), "junk\n");
    const store = new CertificateStore(dir);
    await store.load();
    await expect(store.ensure("bad.example")).rejects.toThrow(/refusing to overwrite/);
    expect(readFileSync(path.join(dir, "bad.example.crt"), "utf8")).toBe("junk\n");
  });

  test("a missing directory is an empty store; ensure() creates it", async () => {
    const sub = path.join(dir, "not", "yet");
    const store = new CertificateStore(sub);
    await store.load();
    expect(store.list()).toEqual([]);
    expect((await store.ensure("new.example")).certPath).toBe(path.join(sub, "new.example.crt"));
  });

  test("secureContext() is cached per certificate and trust set, and needs a certificate", async () => {
    const store = new CertificateStore(dir);
    await store.load();
    await store.ensure("ctx.example");
    const ctx = store.secureContext("ctx.example");
    expect(store.secureContext("CTX.example")).toBe(ctx);
    const trust = { ca: [], useSystemStore: true };
    const withTrust = store.secureContext("ctx.example", trust);
    expect(withTrust).not.toBe(ctx);
    expect(store.secureContext("ctx.example", trust)).toBe(withTrust);
    expect(() => store.secureContext("nope.example")).toThrow(/no certificate for nope\.example/);
  });
});
