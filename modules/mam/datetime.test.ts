import { parseDateTime } from "./datetime";

describe("XEP-0082 DateTime", () => {
  it("reads UTC, offsets and fractions", () => {
    expect(parseDateTime("2010-07-10T23:08:25Z")?.toISOString()).toBe("2010-07-10T23:08:25.000Z");
    expect(parseDateTime("2010-07-10T23:08:25.1234Z")?.toISOString()).toBe("2010-07-10T23:08:25.123Z");
    expect(parseDateTime("2010-07-10T23:08:25-06:00")?.toISOString()).toBe("2010-07-11T05:08:25.000Z");
    expect(parseDateTime("2010-07-10T23:08:25+01:30")?.toISOString()).toBe("2010-07-10T21:38:25.000Z");
    expect(parseDateTime("0050-01-01T00:00:00Z")?.getUTCFullYear()).toBe(50);
    expect(parseDateTime("9999-12-31T23:59:59Z")?.toISOString()).toBe("9999-12-31T23:59:59.000Z");
    expect(parseDateTime("2024-02-29T00:00:00Z")).toBeDefined();
  });

  it("refuses anything else", () => {
    for (const bad of [
      "",
      "2010-07-10",
      "2010-07-10T23:08:25",
      "2010-07-10 23:08:25Z",
      "10-07-10T23:08:25Z",
      "+12010-07-10T23:08:25Z",
      "-2010-07-10T23:08:25Z",
      "0000-01-01T00:00:00Z",
      "2010-13-10T23:08:25Z",
      "2010-02-30T23:08:25Z",
      "2023-02-29T00:00:00Z",
      "2010-07-10T24:00:00Z",
      "2010-07-10T23:60:00Z",
      "2010-07-10T23:59:60Z",
      "2010-07-10T23:08:25+24:00",
      "2010-07-10T23:08:25.Z",
      "2010-07-10T23:08:25.1234567890Z",
      "2010-07-10T23:08:25z",
      "2010-07-10T23:08:25Z ",
      "9".repeat(10_000),
    ]) {
      expect(parseDateTime(bad)).toBeUndefined();
    }
  });
});
