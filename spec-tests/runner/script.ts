/**
 * Parser for scansion scripts (.scs), plus our extensions (see architecture.md, Appendix).
 *
 * Upstream scansion: https://matthewwild.co.uk/projects/scansion/
 * Extensions, accepted only by our runner: the [Raw] class with `sends raw:`, `receives raw:`, `starttls`,
 * `is disconnected` (also on clients), and the client keys `tls` and `sasl`.
 */
import { checkPayload, PayloadError } from "./payload";

export type CharacterClass = "Client" | "Raw";

export interface Character {
  cls: CharacterClass;
  name: string;
  line: number;
  props: Record<string, string>;
}

export type Verb =
  | "connects"
  | "disconnects"
  | "sends"
  | "receives"
  | "receives-nothing"
  | "sends-raw"
  | "receives-raw"
  | "starttls"
  | "is-disconnected";

export interface Action {
  actor: string;
  verb: Verb;
  line: number;
  /** Payload text with the common indentation removed; variables are still unresolved. */
  payload?: string;
}

export interface Tag {
  key: string;
  /** Empty for word tags such as `## slow`. */
  value: string;
}

export interface Script {
  title: string;
  /** `# ` lines after the title, before the first definition. */
  description: string[];
  tags: Tag[];
  characters: Character[];
  actions: Action[];
  file?: string;
}

export class ScriptParseError extends Error {
  constructor(
    readonly line: number,
    readonly detail: string,
    readonly file?: string,
  ) {
    super(`${file ?? "script"}:${line}: ${detail}`);
    this.name = "ScriptParseError";
  }
}

const CLASS_KEYS: Record<CharacterClass, ReadonlySet<string>> = {
  Client: new Set(["jid", "password", "resource", "connect_host", "connect_port", "tls", "sasl"]),
  Raw: new Set(["jid", "password", "connect_host", "connect_port", "tls"]),
};

const TLS_MODES = new Set(["starttls", "direct", "none"]);
const SASL_MECHS = /^(SCRAM-SHA-(1|256|512)(-PLUS)?|PLAIN)$/;

/** Verbs as written after the character name; the colon-less forms appear in upstream scripts (issue1121.scs). */
const VERBS: Array<[RegExp, Verb, CharacterClass | "any"]> = [
  [/^connects$/, "connects", "any"],
  [/^disconnects$/, "disconnects", "any"],
  [/^is disconnected$/, "is-disconnected", "any"],
  [/^receives:?\s+nothing$/, "receives-nothing", "any"],
  [/^sends:?$/, "sends", "Client"],
  [/^receives:?$/, "receives", "Client"],
  [/^sends raw:?$/, "sends-raw", "Raw"],
  [/^receives raw:?$/, "receives-raw", "Raw"],
  [/^starttls$/, "starttls", "Raw"],
];

const NEEDS_PAYLOAD = new Set<Verb>(["sends", "receives", "sends-raw", "receives-raw"]);

const isIndented = (l: string) => /^[ \t]/.test(l) && l.trim() !== "";
/** `//` and `-- ` lines occur as comments in upstream scripts (pubsub_basic.scs). */
const isComment = (l: string) => l.startsWith("#") || l.startsWith("//") || l.startsWith("--");

export function parseScript(text: string, file?: string): Script {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const fail = (i: number, msg: string): never => {
    throw new ScriptParseError(i + 1, msg, file);
  };
  const script: Script = { title: "", description: [], tags: [], characters: [], actions: [], file };

  let i = 0;
  // Header: everything before the first definition.
  for (; i < lines.length && !lines[i].startsWith("["); i++) {
    const l = lines[i].trimEnd();
    if (l === "" || l.startsWith("//")) continue;
    if (/^-{3,}$/.test(l)) fail(i, "separator before any [Client] or [Raw] definition");
    const tag = /^##\s*([^:\s]+)\s*(?::\s*(.*))?$/.exec(l);
    if (tag) script.tags.push({ key: tag[1], value: (tag[2] ?? "").trim() });
    else if (l.startsWith("#")) {
      const t = l.replace(/^#+\s?/, "");
      if (!script.title) script.title = t.trim();
      else script.description.push(t);
    } else fail(i, `unexpected text before the first definition: ${JSON.stringify(l)}`);
  }

  // Definitions, up to the separator.
  let separated = false;
  for (; i < lines.length; i++) {
    const l = lines[i].trimEnd();
    if (/^-{3,}$/.test(l)) {
      separated = true;
      i++;
      break;
    }
    if (l === "" || isComment(l)) continue;
    const def = /^\[(\w+)\]\s+(.+)$/.exec(l);
    if (!def) fail(i, `expected [Client] Name, [Raw] Name or a --- separator, got ${JSON.stringify(l)}`);
    const cls = def![1] as CharacterClass;
    if (!(cls in CLASS_KEYS)) fail(i, `unknown character class [${def![1]}] (known: Client, Raw)`);
    const name = def![2].trim();
    if (script.characters.some((c) => c.name === name)) fail(i, `character ${JSON.stringify(name)} defined twice`);
    const ch: Character = { cls, name, line: i + 1, props: {} };
    for (; i + 1 < lines.length && isIndented(lines[i + 1]); i++) {
      const kv = /^\s+([\w-]+)\s*:\s*(.*?)\s*$/.exec(lines[i + 1]);
      if (!kv) fail(i + 1, `expected "key: value" in the definition of ${name}`);
      if (!CLASS_KEYS[cls].has(kv![1])) fail(i + 1, `unknown key ${JSON.stringify(kv![1])} for [${cls}]`);
      ch.props[kv![1]] = kv![2];
    }
    validateCharacter(ch, (msg) => fail(ch.line - 1, msg));
    script.characters.push(ch);
  }
  if (!separated) fail(lines.length - 1, "missing the --- separator between definitions and actions");
  if (script.characters.length === 0) fail(i - 1, "no characters defined");

  // Longest names first, so "Juliet's phone" wins over "Juliet".
  const byLength = [...script.characters].sort((a, b) => b.name.length - a.name.length);
  for (; i < lines.length; i++) {
    const raw = lines[i];
    const l = raw.trimEnd();
    if (l === "" || isComment(l)) continue;
    if (/^[ \t]/.test(raw)) fail(i, "indented line without a sends/receives action before it");
    const ch = byLength.find((c) => l.startsWith(c.name + " "));
    if (!ch) fail(i, `no character named at the start of ${JSON.stringify(l)}`);
    const rest = l.slice(ch!.name.length + 1).trim();
    const verb = VERBS.find(([re]) => re.test(rest));
    if (!verb) fail(i, `unknown action ${JSON.stringify(rest)} for ${ch!.name}`);
    if (verb![2] !== "any" && verb![2] !== ch!.cls) fail(i, `"${rest}" is not available to [${ch!.cls}] ${ch!.name}`);
    const action: Action = { actor: ch!.name, verb: verb![1], line: i + 1 };
    if (NEEDS_PAYLOAD.has(action.verb)) {
      let j = i + 1;
      while (j < lines.length && lines[j] === "") j++;
      const start = j;
      // Whitespace-only indented lines belong to the payload: `sends raw:` may send just a keepalive.
      while (j < lines.length && /^[ \t]/.test(lines[j])) j++;
      if (j === start) fail(i, `"${rest}" needs an indented payload on the following lines`);
      action.payload = dedent(lines.slice(start, j));
      try {
        checkPayload(action.verb, action.payload!);
      } catch (e) {
        const at = e instanceof PayloadError && e.line ? start + e.line - 1 : start;
        fail(at, `bad payload for "${rest}": ${(e as Error).message}`);
      }
      i = j - 1;
    } else if (i + 1 < lines.length && isIndented(lines[i + 1])) {
      fail(i + 1, `"${rest}" takes no payload`);
    }
    script.actions.push(action);
  }
  return script;
}

function validateCharacter(ch: Character, fail: (msg: string) => never): void {
  const p = ch.props;
  if (ch.cls === "Client") {
    if (!p.jid) fail(`[Client] ${ch.name} needs a jid`);
    if (p.password === undefined) fail(`[Client] ${ch.name} needs a password`);
  }
  if (p.jid !== undefined && !/^[^@/\s]+@[^@/\s]+(\/.+)?$/.test(p.jid)) fail(`${ch.name}: jid must be local@domain[/resource]`);
  if (p.connect_port !== undefined && !/^\d+$/.test(p.connect_port)) fail(`${ch.name}: connect_port must be a number`);
  if (p.tls !== undefined && !TLS_MODES.has(p.tls)) fail(`${ch.name}: tls must be starttls, direct or none`);
  if (p.sasl !== undefined && !SASL_MECHS.test(p.sasl)) fail(`${ch.name}: unsupported sasl mechanism ${p.sasl}`);
}

/**
 * Strips the indentation common to the payload's non-blank lines, so raw payloads keep their relative layout.
 * Trailing blank lines go; other whitespace stays, because in a raw payload it is data.
 */
function dedent(lines: string[]): string {
  const indents = lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0]);
  let common = indents[0] ?? "";
  for (const ind of indents) while (!ind.startsWith(common)) common = common.slice(0, -1);
  const out = lines.map((l) => (l.startsWith(common) ? l.slice(common.length) : l));
  while (out.length > 1 && out[out.length - 1].trim() === "") out.pop();
  return out.join("\n");
}

/** Values of every `## key: value` tag with that key; comma- or space-separated lists are split. */
export function tagValues(script: Script, key: string): string[] {
  return script.tags
    .filter((t) => t.key === key)
    .flatMap((t) => t.value.split(/[\s,]+/))
    .filter(Boolean);
}

export function hasTag(script: Script, key: string): boolean {
  return script.tags.some((t) => t.key === key);
}
