/**
 * Public entry of the scansion-compatible runner (architecture.md §8.9 and Appendix).
 *
 *   runScript(script, target)           run one script (text or parsed) against a server
 *   defineScansionSuite(dir, target)    one jest test per .scs file
 *   parseScript(text, file?)            the grammar, with line-numbered ScriptParseError
 *   matchElement(expected, received)    scansion's matching rules; null when they match
 */
export { runScript } from "./run-script";
export { defineScansionSuite, listScripts, skipReason } from "./suite";
export type { SuiteInfo } from "./suite";
export { parseScript, ScriptParseError, tagValues, hasTag } from "./script";
export type { Script, Action, Character, Tag, Verb } from "./script";
export { matchElement } from "./match";
export type { Mismatch, MatchOptions } from "./match";
export type { Target, RunResult } from "./types";
