/** The real server CLI (`bin/server start`) as a child process that a test can signal and restart. */
import { ChildProcess, spawn } from "node:child_process";

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

export class CliServer {
  private readonly child: ChildProcess;
  private output = "";
  private readonly exited: Promise<Exit>;

  constructor(cliPath: string, args: string[], cwd: string) {
    this.child = spawn(process.execPath, [cliPath, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    const add = (d: Buffer) => (this.output += d.toString());
    this.child.stdout!.on("data", add);
    this.child.stderr!.on("data", add);
    this.exited = new Promise((resolve) => this.child.on("close", (code, signal) => resolve({ code, signal, output: this.output })));
  }

  /** The first capture group of the first output line matching `re` (waits for it). */
  async waitFor(re: RegExp, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let done = false;
    void this.exited.then(() => (done = true));
    for (;;) {
      const m = re.exec(this.output);
      if (m) return m[1] ?? m[0];
      if (done) throw new Error(`server exited before printing ${re}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`server did not print ${re} within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(signal: NodeJS.Signals): Promise<Exit> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}
