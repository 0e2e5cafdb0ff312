/** A small structured logger: one line per record, child loggers carry context fields. */

export type LogLevel = "debug" | "info" | "warn" | "error";
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;
export type LogSink = (line: string) => void;

export class Logger {
  private readonly min: number;
  constructor(
    private readonly level: LogLevel = "info",
    private readonly context: string = "",
    private readonly sink: LogSink = (line) => process.stdout.write(line + "\n"),
  ) {
    this.min = LEVELS[level];
  }

  child(name: string): Logger {
    return new Logger(this.level, this.context ? `${this.context}/${name}` : name, this.sink);
  }

  enabled(level: LogLevel): boolean {
    return LEVELS[level] >= this.min;
  }

  debug(msg: string, fields?: LogFields): void {
    if (this.min <= 10) this.write("debug", msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    if (this.min <= 20) this.write("info", msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    if (this.min <= 30) this.write("warn", msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.write("error", msg, fields);
  }

  private write(level: LogLevel, msg: string, fields?: LogFields): void {
    let line = `${new Date().toISOString()} ${level.padEnd(5)} ${this.context ? `[${this.context}] ` : ""}${msg}`;
    if (fields) {
      for (const [k, v] of Object.entries(fields)) {
        if (v === undefined) continue;
        const s = v instanceof Error ? (v.stack ?? v.message) : typeof v === "string" ? v : JSON.stringify(v);
        line += ` ${k}=${/[\s"]/.test(s) ? JSON.stringify(s) : s}`;
      }
    }
    this.sink(line);
  }
}

export const silentLogger = new Logger("error", "", () => {});
