/**
 * Runs every scripted conversation (.scs) under spec-tests/rfc*, spec-tests/xep-* against a started server over
 * real sockets. The same scripts (those not tagged `## runner: ours`) run unchanged against Prosody
 * in spec-tests/runner/prosody-target.test.ts.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { AccountError } from "../lib/accounts";
import { defineScansionSuite } from "./runner/runner";
import type { Target } from "./runner/types";
import { startTestServer, TestServer } from "./support/harness";

let ts: TestServer;
let target: Target;

beforeAll(async () => {
  ts = await startTestServer();
  target = {
    host: "127.0.0.1",
    port: ts.c2sPort,
    directTlsPort: ts.directTlsPort,
    domain: ts.domain,
    kind: "ours",
    async ensureAccount(local, password) {
      try {
        await ts.addUser(local, password);
      } catch (err) {
        if (!(err instanceof AccountError)) throw err;
      }
    },
  };
});
afterAll(async () => ts?.stop());

const FEATURES = ["ours"];
const dirs = readdirSync(__dirname, { withFileTypes: true })
  .filter((d) => d.isDirectory() && /^(rfc|xep)-?\d+/.test(d.name))
  .map((d) => d.name)
  .sort();

for (const dir of dirs) {
  describe(dir, () => {
    defineScansionSuite(path.join(__dirname, dir), () => target, { features: FEATURES, kind: "ours" });
  });
}
