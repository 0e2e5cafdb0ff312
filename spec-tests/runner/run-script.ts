/** Runs one script: accounts, then each action in order until the first failure, then clean-up. */
import { parseScript, Script } from "./script";
import type { RunResult, Target } from "./types";
import { Cast } from "./cast";
import { DEFAULT_QUIET_MS, performStep } from "./steps";

export async function runScript(script: Script | string, target: Target): Promise<RunResult> {
  const log: string[] = [];
  const failures: string[] = [];
  let parsed: Script;
  try {
    parsed = typeof script === "string" ? parseScript(script) : script;
  } catch (e) {
    return { ok: false, failures: [(e as Error).message], log };
  }
  const cast = new Cast(parsed, target, (l) => log.push(l));
  const ctx = { cast, log: (l: string) => log.push(l), domain: target.domain, quietMs: target.quietMs ?? DEFAULT_QUIET_MS, file: parsed.file };
  try {
    await cast.ensureAccounts();
    for (const action of parsed.actions) {
      log.push(`line ${action.line}: ${action.actor} ${action.verb}`);
      await performStep(action, ctx);
    }
  } catch (e) {
    failures.push((e as Error).message);
  } finally {
    // Clean-up trouble is worth seeing but does not change the verdict on the script.
    for (const p of await cast.disconnectAll()) log.push(p);
  }
  return { ok: failures.length === 0, failures, log };
}
