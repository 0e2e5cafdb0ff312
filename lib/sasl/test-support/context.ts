/**
 * An in-memory SaslServerContext for tests (ours, the spec-test runner's, the benchmark's).
 * Not used by the server itself.
 *
 * References:
 * - RFC 5802 §3 (what is stored), RFC 6120 §6 (what the stream layer supplies)
 */
import { randomBytes } from "node:crypto";
import { deriveScramCredentials, type ScramCredentials, type ScramHash } from "../credentials";
import type { SaslServerContext } from "../types";

/** Low on purpose: tests run on two shared cores. Still the RFC 7677 floor, so ScramClient accepts it. */
export const TEST_ITERATIONS = 4096;

export interface TestContextOptions extends Partial<SaslServerContext> {
  /** username → password */
  users?: Record<string, string>;
  /** channel binding type → data; channelBinding() answers from this unless overridden */
  bindings?: Record<string, Buffer>;
  iterations?: number;
}

export function makeTestContext(opts: TestContextOptions = {}): SaslServerContext & { credentialLookups: string[] } {
  const { users = { user: "pencil" }, bindings = {}, iterations = TEST_ITERATIONS, ...overrides } = opts;
  const cache = new Map<string, Promise<ScramCredentials>>();
  const credentialLookups: string[] = [];
  return {
    secure: true,
    cbTypes: [],
    plusOffered: false,
    fakeSaltSecret: randomBytes(32),
    fakeIterations: iterations,
    channelBinding: (type) => bindings[type],
    getScramCredentials: async (username: string, hash: ScramHash) => {
      credentialLookups.push(`${hash}:${username}`);
      const password = Object.hasOwn(users, username) ? users[username] : undefined;
      if (password === undefined) return undefined;
      const key = `${hash}\u0000${username}`;
      if (!cache.has(key)) cache.set(key, deriveScramCredentials(password, hash, { iterations }));
      return cache.get(key);
    },
    checkPassword: async (username: string, password: string) =>
      Object.hasOwn(users, username) && users[username] === password,
    ...overrides,
    credentialLookups,
  };
}
