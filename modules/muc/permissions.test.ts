import { affiliationChangeError, type Party, roleChangeError } from "./permissions";

const p = (affiliation: Party["affiliation"], role: Party["role"]): Party => ({ affiliation, role });
const cond = (e: { condition: string } | undefined) => e?.condition;

describe("role changes (XEP-0045 §8, §9.6)", () => {
  it("needs a moderator", () => {
    expect(cond(roleChangeError(p("member", "participant"), p("none", "participant"), "none"))).toBe("forbidden");
  });
  it("kicks only at or below one's own affiliation", () => {
    expect(cond(roleChangeError(p("none", "moderator"), p("none", "participant"), "none"))).toBeUndefined();
    expect(cond(roleChangeError(p("admin", "moderator"), p("owner", "moderator"), "none"))).toBe("not-allowed");
    expect(cond(roleChangeError(p("owner", "moderator"), p("owner", "moderator"), "none"))).toBeUndefined();
  });
  it("grants and revokes moderator status by admins only, never from admins or owners", () => {
    expect(cond(roleChangeError(p("none", "moderator"), p("none", "participant"), "moderator"))).toBe("forbidden");
    expect(cond(roleChangeError(p("admin", "moderator"), p("none", "participant"), "moderator"))).toBeUndefined();
    expect(cond(roleChangeError(p("owner", "moderator"), p("admin", "moderator"), "participant"))).toBe("not-allowed");
    expect(cond(roleChangeError(p("admin", "moderator"), p("member", "moderator"), "participant"))).toBeUndefined();
  });
  it("revokes voice only below one's own affiliation", () => {
    expect(cond(roleChangeError(p("admin", "moderator"), p("member", "participant"), "visitor"))).toBeUndefined();
    expect(cond(roleChangeError(p("member", "moderator"), p("member", "participant"), "visitor"))).toBe("not-allowed");
    expect(cond(roleChangeError(p("none", "moderator"), p("none", "visitor"), "participant"))).toBeUndefined();
  });
});

describe("affiliation changes (XEP-0045 §9, §10)", () => {
  it("needs an admin or owner", () => {
    expect(cond(affiliationChangeError("member", "none", "member", false))).toBe("forbidden");
  });
  it("lets admins manage members and bans, not admins or owners", () => {
    expect(cond(affiliationChangeError("admin", "none", "outcast", false))).toBeUndefined();
    expect(cond(affiliationChangeError("admin", "member", "none", false))).toBeUndefined();
    expect(cond(affiliationChangeError("admin", "none", "admin", false))).toBe("forbidden");
    expect(cond(affiliationChangeError("admin", "owner", "outcast", false))).toBe("not-allowed");
  });
  it("lets owners do everything but ban themselves", () => {
    expect(cond(affiliationChangeError("owner", "admin", "owner", false))).toBeUndefined();
    expect(cond(affiliationChangeError("owner", "owner", "outcast", true))).toBe("conflict");
  });
});
