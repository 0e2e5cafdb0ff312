/**
 * The shared sweep that puts idle parsers to sleep (XmlStreamParser.hibernate). In a file of its
 * own: the sweep's interval is module state, and it must be created under fake timers.
 */
import { XmlStreamParser, watchedParserCount } from "./parser";
import { HEADER_C2S as H, recorder } from "./test-support/harness";

describe("the shared sweep", () => {
  beforeAll(() => jest.useFakeTimers());
  afterAll(() => jest.useRealTimers());

  test("puts idle parsers to sleep and forgets every parser idle for two periods, whatever its state", () => {
    const before = watchedParserCount();
    const idle: XmlStreamParser[] = [];
    const others: XmlStreamParser[] = [];
    for (let i = 0; i < 50; i++) {
      const { handler } = recorder();
      const p = new XmlStreamParser(handler);
      if (i % 2 === 0) {
        p.write(Buffer.from(`${H}<presence/>`));
        idle.push(p);
      } else {
        // Connections that died in the header or in a stanza must not be held by the sweep.
        p.write(Buffer.from(i % 3 === 0 ? H.slice(0, 30) : `${H}<message><body>`));
        others.push(p);
      }
    }
    expect(watchedParserCount()).toBe(before + 50);
    jest.advanceTimersByTime(5000);
    expect(idle.some((p) => p.hibernating)).toBe(false); // written during this period
    jest.advanceTimersByTime(5000);
    expect(idle.every((p) => p.hibernating)).toBe(true);
    expect(others.some((p) => p.hibernating)).toBe(false);
    expect(watchedParserCount()).toBe(0);

    // A sleeping parser written to again is awake and watched again.
    idle[0]!.write(Buffer.from("<presence/>"));
    expect(idle[0]!.hibernating).toBe(false);
    expect(watchedParserCount()).toBe(1);
    jest.advanceTimersByTime(10_000);
    expect(idle[0]!.hibernating).toBe(true);
    expect(watchedParserCount()).toBe(0);
  });
});
