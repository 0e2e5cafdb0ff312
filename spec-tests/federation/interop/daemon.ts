/**
 * A reference server run as a child process for interop tests: output captured for diagnosis,
 * readiness detected from its log, stopped by its own process group (never by name).
 */
import { ChildProcess, spawn, SpawnOptions } from "node:child_process";

export class Daemon {
  output = "";
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    cmd: string,
    args: string[],
    opts: SpawnOptions = {},
  ) {
    // Its own process group, so stop() also reaches what it forks (su, beam).
    this.child = spawn(cmd, args, { ...opts, stdio: ["ignore", "pipe", "pipe"], detached: true });
    this.child.stdout!.on("data", (d: Buffer) => (this.output += d.toString()));
    this.child.stderr!.on("data", (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => this.child.once("exit", () => resolve()));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once `pattern` shows up in the output; rejects if the process exits first or time runs out. */
  async waitFor(pattern: RegExp | string, timeoutMs: number, extraLog?: () => string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const seen = () => (typeof pattern === "string" ? this.output.includes(pattern) : pattern.test(this.output) || pattern.test(extraLog?.() ?? ""));
    while (!seen()) {
      if (!this.running) throw new Error(`${this.name} exited during start-up:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`${this.name} not ready within ${timeoutMs} ms:\n${this.output}\n${extraLog?.() ?? ""}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Dies at once: SIGKILL to the whole group. */
  async kill(): Promise<void> {
    if (!this.running || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
    await this.exited;
  }

  /** SIGTERM to the group, SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.running || this.child.pid === undefined) return;
    const pid = this.child.pid;
    const signal = (sig: NodeJS.Signals) => {
      try {
        process.kill(-pid, sig);
      } catch {
        // Already gone.
      }
    };
    signal("SIGTERM");
    const timer = setTimeout(() => signal("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
    // Children that outlived the leader (beam under su) go with the group.
    signal("SIGKILL");
  }
}
