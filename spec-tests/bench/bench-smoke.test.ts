/**
 * Smoke test of the benchmark's load generator (bench/) against an in-process server: a tiny
 * login scenario and a tiny message scenario must work and lose, duplicate or reorder nothing.
 * Nothing is asserted about speed; `npm run bench` measures that.
 */
import type { Target } from "../../bench/client";
import { Accounts, runLogins, runMessages, userName } from "../../bench/scenarios";
import { ScramKeyCache } from "../../bench/scram";
import { startTestServer, TestServer } from "../support/harness";

jest.setTimeout(60_000);

const PASSWORD = "smoke-pw";
let ts: TestServer;
let target: Target;
let acc: Accounts;

beforeAll(async () => {
  ts = await startTestServer();
  target = { name: "ours", host: "127.0.0.1", port: ts.c2sPort, domain: ts.domain };
  for (let i = 0; i < 8; i++) await ts.addUser(userName(i), PASSWORD);
  acc = { count: 8, password: PASSWORD, cache: new ScramKeyCache() };
});

afterAll(async () => {
  await ts?.stop();
});

describe.each(["SCRAM-SHA-1", "SCRAM-SHA-256"] as const)("logins with %s", (mech) => {
  test("one at a time and several in flight all succeed", async () => {
    for (const concurrency of [1, 4]) {
      const r = await runLogins(target, acc, { mech, count: 6, concurrency, userPool: 8, serverPids: [] });
      expect(r.notOffered).toBeUndefined();
      expect(r.errors).toEqual([]);
      expect(r.failed).toBe(0);
      expect(r.ok).toBe(6);
      expect(r.p50Ms).toBeGreaterThan(0);
    }
  });
});

test("messages between pairs arrive exactly once and in order", async () => {
  const ep = (user: number) => ({ target, user });
  const r = await runMessages(acc, {
    pairs: [
      [ep(0), ep(1)],
      [ep(2), ep(3)],
    ],
    window: 4,
    warmupMs: 100,
    durationMs: 400,
    drainMs: 5000,
    serverPids: [],
  });
  expect(r.failed).toBeUndefined();
  expect(r.flows).toBe(4);
  expect(r.sent).toBeGreaterThan(4 * 4);
  expect(r.delivered).toBe(r.sent);
  expect(r.lost).toBe(0);
  expect(r.duplicated).toBe(0);
  expect(r.reordered).toBe(0);
  expect(r.misrouted).toBe(0);
});
