/** TokenBucket: the rate limiter behind connection admission and read shaping. */
import { TokenBucket } from "./token-bucket";

test("starts full, refills at the rate, never beyond the burst", () => {
  const b = new TokenBucket(10, 5, 0);
  expect(b.tryTake(5, 0)).toBe(true);
  expect(b.tryTake(1, 0)).toBe(false);
  expect(b.tryTake(1, 100)).toBe(true); // 100 ms at 10/s is one token
  expect(b.tryTake(1, 100)).toBe(false);
  expect(b.tryTake(6, 60_000)).toBe(false); // a minute later: still only the burst
  expect(b.tryTake(5, 60_000)).toBe(true);
});

test("take() goes into debt and says how long until it is paid", () => {
  const b = new TokenBucket(1000, 500, 0);
  expect(b.take(500, 0)).toBe(0);
  expect(b.take(250, 0)).toBe(250); // 250 tokens short at 1000/s
  expect(b.take(0, 250)).toBe(0); // paid off by then
  // A refused tryTake leaves the bucket as it was.
  expect(b.tryTake(1, 250)).toBe(false);
  expect(b.take(0, 251)).toBe(0);
});
