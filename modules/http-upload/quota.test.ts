import { checkQuota, DAY_MS } from "./quota";

const now = 10 * DAY_MS;

describe("checkQuota", () => {
  it("lets everything through when the quota is 0", () => {
    expect(checkQuota([{ size: 1e12, at: now }], 1e12, 0, now)).toEqual({ ok: true });
  });

  it("counts only the last 24 hours", () => {
    expect(checkQuota([{ size: 90, at: now - DAY_MS }], 100, 100, now)).toEqual({ ok: true });
    expect(checkQuota([{ size: 90, at: now - DAY_MS + 1 }], 11, 100, now)).toEqual({ ok: false, retryAt: now + 1 });
    expect(checkQuota([{ size: 90, at: now - 5 }], 10, 100, now)).toEqual({ ok: true });
  });

  it("names the moment enough usage has left the window", () => {
    const usage = [
      { size: 30, at: now - 1000 },
      { size: 40, at: now - 3000 },
      { size: 20, at: now - 2000 },
    ];
    // 90 used; 50 more needs 40 freed: the oldest (40 at now-3000) is enough.
    expect(checkQuota(usage, 50, 100, now)).toEqual({ ok: false, retryAt: now - 3000 + DAY_MS });
    // 80 more needs 70 freed: the 40 and then the 20 (at now-2000), then the 30 too.
    expect(checkQuota(usage, 80, 100, now)).toEqual({ ok: false, retryAt: now - 1000 + DAY_MS });
  });

  it("has no retry time for a request larger than the whole quota", () => {
    expect(checkQuota([], 101, 100, now)).toEqual({ ok: false, retryAt: undefined });
  });
});
