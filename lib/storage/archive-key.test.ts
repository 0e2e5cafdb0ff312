import { ArchiveKeyGenerator, archiveKeys } from "./archive-key";

describe("ArchiveKeyGenerator", () => {
  it("makes 26-character keys in an ASCII-sortable alphabet, time first", () => {
    let t = 31;
    const g = new ArchiveKeyGenerator(() => t, () => 32n + 18n);
    const k = g.next();
    expect(k).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(k).toBe("000000000Z" + "00000000000000" + "1J");
    t = 32 * 32 * 32 + 10;
    expect(g.next().slice(0, 10)).toBe("000000100A");
  });

  it("sorts by time across milliseconds", () => {
    let t = 1000;
    const g = new ArchiveKeyGenerator(() => t, () => (1n << 80n) - 1n);
    const a = g.next();
    t = 1001;
    const b = g.next();
    expect(a < b).toBe(true);
  });

  it("stays strictly increasing when the clock stalls or steps back", () => {
    let t = 5000;
    const g = new ArchiveKeyGenerator(() => t, () => 12345n);
    const keys = [g.next(), g.next()];
    t = 4000;
    keys.push(g.next(), g.next());
    t = 5000;
    keys.push(g.next());
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual(keys);
  });

  it("borrows the next millisecond when the random part overflows", () => {
    const g = new ArchiveKeyGenerator(() => 7, () => (1n << 80n) - 1n);
    const a = g.next();
    const b = g.next();
    expect(a < b).toBe(true);
    expect(b.slice(0, 10)).toBe("0000000008");
  });

  it("is random enough that two generators in the same millisecond differ", () => {
    const a = new ArchiveKeyGenerator(() => 1).next();
    const b = new ArchiveKeyGenerator(() => 1).next();
    expect(a).not.toBe(b);
    expect(a.slice(0, 10)).toBe(b.slice(0, 10));
  });

  it("gives a shared process-wide generator", () => {
    const keys = Array.from({ length: 1000 }, () => archiveKeys.next());
    expect([...keys].sort()).toEqual(keys);
    expect(new Set(keys).size).toBe(1000);
  });
});
