/**
 * Jest glue: one test per .scs file in a directory. Skips are decided when the tests are defined, before a
 * live server exists, so features and kind come from `info` or from a Target passed directly.
 */
import * as fs from "fs";
import * as path from "path";
import { parseScript, Script, tagValues } from "./script";
import { runScript } from "./run-script";
import type { Target } from "./types";

export interface SuiteInfo {
  features?: Iterable<string>;
  kind?: "ours" | "foreign";
  /** Descend into subdirectories (spec-tests/rfc6120/…); default true. */
  recursive?: boolean;
}

/** Why a script cannot run against such a target, or undefined when it can. */
export function skipReason(script: Script, info: SuiteInfo): string | undefined {
  const have = new Set(info.features ?? []);
  const missing = tagValues(script, "requires").filter((f) => !have.has(f));
  if (missing.length) return `requires ${missing.join(", ")}`;
  // `## runner: ours` only says upstream scansion cannot run the script (raw verbs); this runner can,
  // against any server. `## target: ours` marks behaviour only our server is expected to have.
  if ((info.kind ?? "ours") === "foreign" && tagValues(script, "target").includes("ours")) return "target: ours";
  return undefined;
}

export function listScripts(dir: string, recursive = true): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory() && recursive) out.push(...listScripts(p));
    else if (entry.isFile() && entry.name.endsWith(".scs")) out.push(p);
  }
  return out;
}

/** Jest's globals, looked up at call time so this module also compiles and loads outside jest. */
interface JestIt {
  (name: string, fn: () => unknown): void;
  skip(name: string, fn: () => unknown): void;
}

function jestIt(): JestIt {
  const it = (globalThis as { it?: JestIt }).it;
  if (!it) throw new Error("defineScansionSuite must be called from a jest test file");
  return it;
}

/**
 * `target` may be a Target (known now: its features and kind decide skips) or a function returning one
 * once the server is up (then pass `info`).
 */
export function defineScansionSuite(dir: string, target: Target | (() => Target), info: SuiteInfo = {}): void {
  const it = jestIt();
  const live = typeof target === "function" ? target : () => target;
  if (typeof target !== "function") info = { features: info.features ?? target.features, kind: info.kind ?? target.kind, recursive: info.recursive };
  for (const file of listScripts(dir, info.recursive ?? true)) {
    const rel = path.relative(dir, file);
    let script: Script;
    try {
      script = parseScript(fs.readFileSync(file, "utf8"), rel);
    } catch (e) {
      // A broken script is a failing test, not a silently missing one.
      it(`${rel} (does not parse)`, () => {
        throw e;
      });
      continue;
    }
    const title = `${script.title || "(untitled)"} [${rel}]`;
    const reason = skipReason(script, info);
    if (reason) {
      it.skip(`${title} — skipped: ${reason}`, () => undefined);
      continue;
    }
    it(title, async () => {
      const t = live();
      // The live target may know less than was declared up front; say so rather than fail obscurely.
      const late = skipReason(script, { features: t.features ?? info.features, kind: t.kind ?? info.kind });
      if (late) throw new Error(`target cannot run this script (${late}); declare it in defineScansionSuite's info`);
      const result = await runScript(script, t);
      if (!result.ok) throw new Error(`${result.failures.join("\n")}\n\n--- log ---\n${result.log.join("\n")}`);
    });
  }
}
