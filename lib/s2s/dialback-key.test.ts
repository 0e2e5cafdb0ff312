import { checkDialbackKey, dialbackKey, dialbackSecret } from "./dialback-key";

describe("dialback keys (XEP-0185)", () => {
  it("reproduces the XEP-0220 examples", () => {
    expect(dialbackKey(dialbackSecret("s3cr3tf0rd14lb4ck"), "montague.example", "capulet.example", "D60000229F")).toBe(
      "b4835385f37fe2895af6c196b59097b16862406db80559900d96bf6fa7d23df3",
    );
    expect(dialbackKey(dialbackSecret("d14lb4ck43v3r"), "capulet.example", "montague.example", "417GAF25")).toBe(
      "225cc5aa6a071133249d25fef42ae516fc7a86c523aa1c6980a7f73e784c972d",
    );
  });

  it("separates the domains, so shifting a label between them changes the key (S2S-02)", () => {
    const s = dialbackSecret("x");
    expect(dialbackKey(s, "a.example", "bc.example", "id")).not.toBe(dialbackKey(s, "ab.example", "c.example", "id"));
  });

  it("checks keys, tolerating surrounding whitespace only", () => {
    const s = dialbackSecret("x");
    const k = dialbackKey(s, "r.example", "o.example", "id1");
    expect(checkDialbackKey(s, "r.example", "o.example", "id1", `\n ${k}\n`)).toBe(true);
    expect(checkDialbackKey(s, "r.example", "o.example", "id2", k)).toBe(false);
    expect(checkDialbackKey(s, "o.example", "r.example", "id1", k)).toBe(false);
    expect(checkDialbackKey(s, "r.example", "o.example", "id1", k.slice(1))).toBe(false);
  });
});
