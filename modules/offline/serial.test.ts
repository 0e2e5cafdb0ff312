import { KeyedSerial } from "./serial";

const tick = () => new Promise((r) => setImmediate(r));

describe("KeyedSerial", () => {
  it("runs tasks of one key one at a time, in order, and other keys alongside", async () => {
    const s = new KeyedSerial();
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`${name}+`);
      await tick();
      log.push(`${name}-`);
      return name;
    };
    const results = await Promise.all([s.run("a", task("a1")), s.run("a", task("a2")), s.run("b", task("b1"))]);
    expect(results).toEqual(["a1", "a2", "b1"]);
    expect(log.indexOf("a1-")).toBeLessThan(log.indexOf("a2+"));
    expect(log.indexOf("b1+")).toBeLessThan(log.indexOf("a1-"));
  });

  it("keeps going after a failed task and forgets idle keys", async () => {
    const s = new KeyedSerial();
    const failed = s.run("a", async () => {
      throw new Error("boom");
    });
    const next = s.run("a", async () => "ok");
    await expect(failed).rejects.toThrow("boom");
    await expect(next).resolves.toBe("ok");
    await tick();
    expect(s.busyKeys).toBe(0);
  });
});
