/** Runs real client programs (slixmpp, go-sendxmpp) as child processes for interop tests. */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
  lines: string[];
}

export function hasProgram(cmd: string): boolean {
  if (cmd.startsWith("/")) return existsSync(cmd);
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

export function hasSlixmpp(): boolean {
  return existsSync("/usr/bin/python3") && spawnSync("/usr/bin/python3", ["-c", "import slixmpp"]).status === 0;
}

export interface RunningProcess {
  /** Resolves once a stdout line matches. */
  waitForLine(re: RegExp, timeoutMs?: number): Promise<string>;
  done: Promise<ProcessResult>;
  kill(): void;
}

export function startProcess(cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): RunningProcess {
  const child = spawn(cmd, args, { env: { ...process.env, ...opts.env }, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  const lines: string[] = [];
  let partial = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
    partial += d.toString();
    const parts = partial.split("\n");
    partial = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.re.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  if (opts.input !== undefined) child.stdin.end(opts.input);
  else child.stdin.end();
  const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 30_000);
  const done = new Promise<ProcessResult>((resolve) => {
    child.on("close", (code) => {
      clearTimeout(timer);
      if (partial) lines.push(partial);
      resolve({ code, stdout, stderr, lines });
    });
  });
  return {
    done,
    kill: () => child.kill("SIGKILL"),
    waitForLine(re, timeoutMs = 15_000) {
      const seen = lines.find((l) => re.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no line matching ${re} within ${timeoutMs} ms; stdout:\n${stdout}\nstderr:\n${stderr}`)), timeoutMs);
        waiters.push({ re, resolve: (l) => (clearTimeout(t), resolve(l)) });
        void done.then(() => {
          clearTimeout(t);
          reject(new Error(`process ended before a line matching ${re}; stdout:\n${stdout}\nstderr:\n${stderr}`));
        });
      });
    },
  };
}

export async function runProcess(cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ProcessResult> {
  return startProcess(cmd, args, opts).done;
}
