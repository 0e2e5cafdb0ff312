/**
 * Starts the reference Prosody (spec-tests/targets/run-prosody.sh) in a temporary directory, for the
 * runner's own integration test and for CI runs of the portable scripts.
 */
import { ChildProcess, execFile, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import type { Target } from "../types";

const TARGETS = path.join(__dirname, "..", "..", "targets");

export const PROSODY_BINARY = ["/usr/sbin/prosody", "/usr/bin/prosody"].find((p) => fs.existsSync(p));

export interface RunningProsody {
  target: Target;
  /** Everything Prosody printed, for diagnosing a failure. */
  output(): string;
  stop(): Promise<void>;
}

export async function startProsody(addr = "127.0.0.9", startTimeoutMs = 20000): Promise<RunningProsody> {
  if (!PROSODY_BINARY) throw new Error("Prosody is not installed");
  if (await listening(addr, 5222)) throw new Error(`something already listens on ${addr}:5222 (a Prosody left running?)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prosody-runner-"));
  const env = { ...process.env, PROSODY_RUNNER_DIR: dir, PROSODY_RUNNER_ADDR: addr };
  const child = spawn("sh", [path.join(TARGETS, "run-prosody.sh"), addr, dir], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));

  const ready = `Activated service 'c2s' on [${addr}]:5222`;
  const readyTls = `Activated service 'c2s_direct_tls' on [${addr}]:5223`;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Prosody did not start within ${startTimeoutMs} ms:\n${out}`)), startTimeoutMs);
      const check = () => {
        if (out.includes(ready) && out.includes(readyTls)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on("data", check);
      child.stderr!.on("data", check);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`Prosody exited (${code}) during start-up:\n${out}`));
      });
    });
  } catch (e) {
    await stopChild(child);
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }

  const prosodyctl = path.join(path.dirname(PROSODY_BINARY), "prosodyctl");
  const config = path.join(TARGETS, "prosody.cfg.lua");
  return {
    target: {
      host: addr,
      port: 5222,
      directTlsPort: 5223,
      domain: "localhost",
      kind: "foreign",
      ensureAccount: async (local, password) => {
        await promisify(execFile)(prosodyctl, ["--config", config, "register", local, "localhost", password], { env });
      },
    },
    output: () => out,
    stop: async () => {
      await stopChild(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}
