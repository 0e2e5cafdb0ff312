/**
 * Reads the one YAML configuration file: global options at top level, `hosts:` (domain → that
 * host's options) and `components:`. Lookups go host → global → schema default.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { ConfigError, OptionsOf, Schema } from "./options";

export interface RawConfig {
  readonly file?: string;
  readonly global: ReadonlyMap<string, unknown>;
  readonly hosts: ReadonlyMap<string, ReadonlyMap<string, unknown>>;
  readonly components: ReadonlyMap<string, ReadonlyMap<string, unknown>>;
}

function toMap(value: unknown, path: string): Map<string, unknown> {
  if (value === null || value === undefined) return new Map();
  if (typeof value !== "object" || Array.isArray(value)) throw new ConfigError(`${path}: expected a mapping of option names to values`);
  return new Map(Object.entries(value as Record<string, unknown>));
}

export function parseConfigText(text: string, file?: string): RawConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text, { uniqueKeys: true, maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError(`${file ?? "config"}: ${(err as Error).message.split("\n")[0]}`);
  }
  const top = toMap(doc, file ?? "config");
  const hostsRaw = toMap(top.get("hosts"), "hosts");
  const componentsRaw = toMap(top.get("components"), "components");
  top.delete("hosts");
  top.delete("components");
  const hosts = new Map<string, Map<string, unknown>>();
  for (const [name, block] of hostsRaw) hosts.set(name.toLowerCase(), toMap(block, `hosts.${name}`));
  const components = new Map<string, Map<string, unknown>>();
  for (const [name, block] of componentsRaw) components.set(name.toLowerCase(), toMap(block, `components.${name}`));
  if (hosts.size === 0) hosts.set("localhost", new Map());
  return { file, global: top, hosts, components };
}

/** Without a file the server serves `localhost` with every default. */
export function defaultConfig(): RawConfig {
  return parseConfigText("");
}

export function loadConfigFile(file: string | undefined): RawConfig {
  if (!file) return defaultConfig();
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseConfigText(text, file);
}

/** Resolves a schema for one host (or globally when host is null), validating every value it finds. */
export function resolveOptions<S extends Schema>(schema: S, raw: RawConfig, host: string | null): OptionsOf<S> {
  const out: Record<string, unknown> = {};
  const hostBlock = host === null ? undefined : raw.hosts.get(host) ?? raw.components.get(host);
  const hostPath = host === null ? "" : raw.hosts.has(host) ? `hosts.${host}.` : `components.${host}.`;
  for (const [key, spec] of Object.entries(schema)) {
    if (hostBlock?.has(key)) {
      if (spec.scope === "global") throw new ConfigError(`${hostPath}${key}: this option is global; set it at the top level, not in a host block`);
      out[key] = spec.parse(hostBlock.get(key), `${hostPath}${key}`);
    } else if (raw.global.has(key)) {
      out[key] = spec.parse(raw.global.get(key), key);
    } else {
      out[key] = spec.default;
    }
  }
  return out as OptionsOf<S>;
}

/** Every option name used in the file must be declared by the core or a loaded module: typos stop start-up. */
export function checkUnknownOptions(raw: RawConfig, known: ReadonlySet<string>): void {
  const blocks: [string, ReadonlyMap<string, unknown>][] = [["", raw.global]];
  for (const [h, b] of raw.hosts) blocks.push([`hosts.${h}.`, b]);
  for (const [h, b] of raw.components) blocks.push([`components.${h}.`, b]);
  for (const [prefix, block] of blocks) {
    for (const key of block.keys()) {
      if (prefix.startsWith("components.") && key === "module") continue;
      if (!known.has(key)) throw new ConfigError(`${prefix}${key}: unknown option (no loaded module declares it)`);
    }
  }
}
