/**
 * Option schemas: each module (and the core) declares its options with a type, a default and a
 * line of documentation. Values are validated at start-up; a wrong value stops start-up with a
 * path-qualified message.
 */

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export type OptionScope = "global" | "host";

export interface OptionSpec<T> {
  /** Human-readable type, for docs and messages ("duration", "list of ports"...). */
  readonly type: string;
  readonly default: T;
  readonly doc: string;
  /** "global" options may not appear in a host block. */
  readonly scope: OptionScope;
  parse(value: unknown, path: string): T;
}

export type Schema = Record<string, OptionSpec<unknown>>;
export type OptionsOf<S extends Schema> = { readonly [K in keyof S]: S[K] extends OptionSpec<infer T> ? T : never };

function fail(path: string, expected: string, value: unknown): never {
  const shown = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  throw new ConfigError(`${path}: expected ${expected}, got ${shown}`);
}

function spec<T>(type: string, def: T, doc: string, parse: (v: unknown, path: string) => T, scope: OptionScope = "host"): OptionSpec<T> {
  return { type, default: def, doc, scope, parse };
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses "500ms", "30s", "5m", "1h", "2d" or a number of seconds into milliseconds. */
export function parseDuration(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v) && v >= 0) return Math.round(v * 1000);
  if (typeof v !== "string") return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d)\s*$/.exec(v);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * DURATION_UNITS[m[2]]);
}

export function formatDuration(ms: number): string {
  for (const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1000]] as const) {
    if (ms % size === 0 && ms >= size) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

export const opt = {
  string(def: string, doc: string, scope?: OptionScope): OptionSpec<string> {
    return spec("string", def, doc, (v, p) => (typeof v === "string" ? v : fail(p, "a string", v)), scope);
  },
  optionalString(doc: string, scope?: OptionScope): OptionSpec<string | undefined> {
    return spec<string | undefined>("string", undefined, doc, (v, p) => (v === null || v === undefined ? undefined : typeof v === "string" ? v : fail(p, "a string", v)), scope);
  },
  boolean(def: boolean, doc: string, scope?: OptionScope): OptionSpec<boolean> {
    return spec("boolean", def, doc, (v, p) => (typeof v === "boolean" ? v : fail(p, "true or false", v)), scope);
  },
  integer(def: number, doc: string, range: { min?: number; max?: number } = {}, scope?: OptionScope): OptionSpec<number> {
    const { min = -Infinity, max = Infinity } = range;
    const expected = `an integer${Number.isFinite(min) ? ` >= ${min}` : ""}${Number.isFinite(max) ? ` <= ${max}` : ""}`;
    return spec("integer", def, doc, (v, p) => (typeof v === "number" && Number.isInteger(v) && v >= min && v <= max ? v : fail(p, expected, v)), scope);
  },
  /** A duration; the parsed value is in milliseconds. */
  duration(def: string, doc: string, scope?: OptionScope): OptionSpec<number> {
    const parsedDefault = parseDuration(def);
    if (parsedDefault === undefined) throw new Error(`bad default duration ${def}`);
    return spec("duration", parsedDefault, doc, (v, p) => parseDuration(v) ?? fail(p, 'a duration like "5m"', v), scope);
  },
  enum<T extends string>(values: readonly T[], def: T, doc: string, scope?: OptionScope): OptionSpec<T> {
    return spec(values.map((x) => JSON.stringify(x)).join(" | "), def, doc, (v, p) =>
      typeof v === "string" && (values as readonly string[]).includes(v) ? (v as T) : fail(p, `one of ${values.join(", ")}`, v), scope);
  },
  stringList(def: string[], doc: string, scope?: OptionScope): OptionSpec<string[]> {
    return spec("list of strings", def, doc, (v, p) => {
      if (typeof v === "string") return [v];
      if (!Array.isArray(v)) return fail(p, "a list of strings", v);
      return v.map((x, i) => (typeof x === "string" ? x : fail(`${p}[${i}]`, "a string", x)));
    }, scope);
  },
  ports(def: number[], doc: string): OptionSpec<number[]> {
    return spec("list of ports", def, doc, (v, p) => {
      const list = Array.isArray(v) ? v : [v];
      return list.map((x, i) => (typeof x === "number" && Number.isInteger(x) && x >= 0 && x <= 65535 ? x : fail(Array.isArray(v) ? `${p}[${i}]` : p, "a port number (0-65535)", x)));
    }, "global");
  },
};
