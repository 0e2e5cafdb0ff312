import { FILE_ID, newFileId, newToken, sameSecret } from "./tokens";

describe("tokens", () => {
  it("makes 128-bit ids and 256-bit secrets, all distinct", () => {
    const ids = new Set(Array.from({ length: 1000 }, newFileId));
    const tokens = new Set(Array.from({ length: 1000 }, newToken));
    expect(ids.size).toBe(1000);
    expect(tokens.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(FILE_ID);
    for (const t of tokens) expect(Buffer.from(t, "base64url")).toHaveLength(32);
  });

  it("compares secrets of any length", () => {
    expect(sameSecret("Bearer abc", "Bearer abc")).toBe(true);
    expect(sameSecret("Bearer abd", "Bearer abc")).toBe(false);
    expect(sameSecret("Bearer ab", "Bearer abc")).toBe(false);
    expect(sameSecret("", "Bearer abc")).toBe(false);
  });
});
