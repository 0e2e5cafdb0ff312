/**
 * Offline messages survive a clean restart and a SIGKILL of the real server process (the CLI from
 * dist/, as deployed), and are delivered exactly once afterwards.
 *
 * The acceptance point: the sender follows its message with an IQ ping. A session's stanzas are
 * processed one after another, each waiting for the previous one's handlers, so the pong proves
 * the server finished with the message, i.e. the offline module committed it. The test kills the
 * server the moment the pong arrives, without looking at the database first.
 *
 * References:
 * - reliability.md §6 D1 (accepted = committed), D3 (delete only after the write), D4 (crash semantics)
 * - XEP-0160 §2, XEP-0203 §2
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { SqliteDriver } from "../../lib/storage/sqlite";
import type { XmppClient } from "../runner/client";
import { CliServer } from "./cli-server";
import { bodyOf, collect, DELAY_NS, isChatMessage, isErrorFor, login, waitFor, XEP0082_UTC } from "./support";

const ROOT = path.resolve(__dirname, "..", "..");
const CLI = path.join(ROOT, "bin", "server");
const BUILT = path.join(ROOT, "dist", "modules", "offline", "index.js");

/** Newest modification time of the compiled sources (tests excluded), in ms. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "test-support" && entry.name !== "node_modules") newest = Math.max(newest, newestSource(p));
    } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
      newest = Math.max(newest, statSync(p).mtimeMs);
    }
  }
  return newest;
}

/** `npm test` builds first; a bare `npx jest` on a stale tree builds here (about 10 s). */
function ensureBuilt(): void {
  const cli = path.join(ROOT, "dist", "bin", "cli.js");
  const fresh = existsSync(BUILT) && existsSync(cli) && statSync(cli).mtimeMs >= Math.max(...["lib", "modules", "bin"].map((d) => newestSource(path.join(ROOT, d))));
  if (fresh) return;
  const r = spawnSync("npm", ["run", "build"], { cwd: ROOT, encoding: "utf8", timeout: 240_000 });
  // Type errors elsewhere in the tree still emit JavaScript; what matters is that our module was built.
  if (!existsSync(BUILT)) throw new Error(`npm run build did not produce ${BUILT}:\n${r.stdout}\n${r.stderr}`);
}

let dir: string;
let config: string;
let server: CliServer | undefined;
const clients: XmppClient[] = [];

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args, "--config", config], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0) throw new Error(`server ${args.join(" ")} failed: ${r.stdout}${r.stderr}`);
}

async function startServer(): Promise<number> {
  server = new CliServer(CLI, ["start", "--config", config], ROOT);
  return Number(await server.waitFor(/listening for c2s address=\S+ port=(\d+)/, 30_000));
}

async function killServer(signal: "SIGKILL" | "SIGTERM"): Promise<void> {
  const s = server!;
  server = undefined;
  const exit = await s.stop(signal);
  if (signal === "SIGKILL") expect(exit.signal).toBe("SIGKILL");
  else expect(exit.code).toBe(0);
}

async function connect(port: number, jid: string, pw: string): Promise<XmppClient> {
  const c = await login(port, jid, pw);
  clients.push(c);
  return c;
}

/** Sends a message, then waits for a ping reply: once it arrives the message has been handled. */
async function sendAndBarrier(c: XmppClient, id: string, body: string): Promise<void> {
  c.send(`<message to='bob@localhost' type='chat' id='${id}'><body>${body}</body></message>`);
  c.send(`<iq type='get' id='barrier-${id}'><ping xmlns='urn:xmpp:ping'/></iq>`);
  const reply = await waitFor(c, (e) => isErrorFor(id)(e) || (e.name === "iq" && e.attrs.id === `barrier-${id}`), 10_000, "the ping barrier");
  expect(reply.name).toBe("iq");
  expect(reply.attrs.type).toBe("result");
}

async function storedFor(user: string): Promise<number> {
  const driver = new SqliteDriver({ path: path.join(dir, "data", "xmppd.sqlite") });
  await driver.open();
  try {
    return await driver.archive("localhost", "offline").count(user);
  } finally {
    await driver.close();
  }
}

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(path.join(os.tmpdir(), "xmppd-offline-dur-"));
  config = path.join(dir, "server.yaml");
  writeFileSync(
    config,
    [
      `interfaces: ["127.0.0.1"]`,
      `c2s_ports: [0]`,
      `c2s_direct_tls_ports: []`,
      `s2s_ports: []`,
      `data_path: ${JSON.stringify(path.join(dir, "data"))}`,
      `certificates: ${JSON.stringify(path.join(dir, "certs"))}`,
      `storage: sqlite`,
      `log_level: info`,
      `hosts:`,
      `  localhost: {}`,
      "",
    ].join("\n"),
  );
  cli("adduser", "alice@localhost", "--password", "pw-alice");
  cli("adduser", "bob@localhost", "--password", "pw-bob");
}, 300_000);

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.disconnect(300)));
  await server?.stop("SIGKILL");
  server = undefined;
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("keeps accepted offline messages across a clean restart and a SIGKILL, and delivers them exactly once", async () => {
  // 1. Stored, then a clean shutdown.
  let port = await startServer();
  let alice = await connect(port, "alice@localhost", "pw-alice");
  const t0 = Date.now();
  await sendAndBarrier(alice, "r1", "before restart");
  await alice.disconnect(300);
  await killServer("SIGTERM");

  // 2. Stored, then SIGKILL the moment the server has handled it.
  port = await startServer();
  alice = await connect(port, "alice@localhost", "pw-alice");
  await sendAndBarrier(alice, "k1", "before sigkill");
  await killServer("SIGKILL");
  const t1 = Date.now();
  expect(await storedFor("bob")).toBe(2);

  // 3. After the crash: both arrive, in order, once each, stamped.
  port = await startServer();
  const bob = await connect(port, "bob@localhost", "pw-bob");
  bob.send("<presence/>");
  const first = await waitFor(bob, isChatMessage, 10_000, "the first offline message");
  const rest = (await collect(bob, 1000)).filter(isChatMessage);
  const got = [first, ...rest];
  expect(got.map(bodyOf)).toEqual(["before restart", "before sigkill"]);
  for (const m of got) {
    const delay = m.getChild("delay", DELAY_NS);
    expect(delay?.attrs.from).toBe("localhost");
    expect(delay?.attrs.stamp).toMatch(XEP0082_UTC);
    const stamp = Date.parse(delay!.attrs.stamp);
    expect(stamp).toBeGreaterThanOrEqual(t0 - 1000);
    expect(stamp).toBeLessThanOrEqual(t1);
  }
  await bob.disconnect(500);

  // 4. The deletion after delivery is durable too: another SIGKILL and login brings nothing back.
  await killServer("SIGKILL");
  expect(await storedFor("bob")).toBe(0);
  port = await startServer();
  const again = await connect(port, "bob@localhost", "pw-bob");
  again.send("<presence/>");
  expect((await collect(again, 800)).filter(isChatMessage)).toEqual([]);
}, 120_000);
