import { RegistrationThrottle } from "./throttle";

describe("RegistrationThrottle", () => {
  let t = 0;
  const now = () => t;
  beforeEach(() => {
    t = 1_000_000;
  });

  it("allows max registrations per address within the period, then refuses", () => {
    const th = new RegistrationThrottle(2, 60_000, now);
    expect(th.allows("1.2.3.4")).toBe(true);
    th.record("1.2.3.4");
    th.record("1.2.3.4");
    expect(th.allows("1.2.3.4")).toBe(false);
    expect(th.allows("5.6.7.8")).toBe(true);
  });

  it("allows again once the oldest registration leaves the window", () => {
    const th = new RegistrationThrottle(1, 60_000, now);
    th.record("a");
    t += 59_999;
    expect(th.allows("a")).toBe(false);
    t += 2;
    expect(th.allows("a")).toBe(true);
  });

  it("prune forgets addresses with nothing recent", () => {
    const th = new RegistrationThrottle(3, 1000, now);
    th.record("a");
    th.record("b");
    t += 500;
    th.record("b");
    t += 600;
    th.prune();
    expect(th.size).toBe(1);
  });

  it("max 0 means no limit", () => {
    const th = new RegistrationThrottle(0, 1000, now);
    for (let i = 0; i < 100; i++) th.record("a");
    expect(th.allows("a")).toBe(true);
    expect(th.size).toBe(0);
  });
});
