/** Renders docs/configuration.md from the option schemas, so the reference cannot drift from the code. */
import type { OptionSpec, Schema } from "./options";
import { formatDuration } from "./options";

function showDefault(spec: OptionSpec<unknown>): string {
  const d = spec.default;
  if (d === undefined) return "(none)";
  if (spec.type === "duration") return `\`${formatDuration(d as number)}\``;
  return `\`${JSON.stringify(d)}\``;
}

/** A pipe inside a cell would end it. */
const cell = (text: string) => text.replace(/\|/g, "\\|");

function table(schema: Schema): string {
  const rows = Object.entries(schema).map(
    ([name, spec]) => `| \`${name}\` | ${cell(spec.type)} | ${cell(showDefault(spec))} | ${spec.scope === "global" ? "global" : "global or host"} | ${cell(spec.doc)} |`,
  );
  return ["| option | type | default | where | meaning |", "|---|---|---|---|---|", ...rows].join("\n");
}

export function renderConfigDocs(core: Schema, modules: { name: string; summary: string; options?: Schema }[]): string {
  const parts = [
    "# Configuration reference",
    "",
    "<!-- Generated from the option schemas by `bin/server docs config > docs/configuration.md`; a test fails when it is stale. -->",
    "",
    "The configuration is one YAML file passed with `--config FILE`. Options at the top level are",
    "global; `hosts:` maps each domain this server serves to options for that host alone, which",
    "override the global ones. Lookups go host → global → default. Durations are written like",
    '`"30s"`, `"5m"`, `"1h"` (a bare number means seconds). An unknown option or a wrong value stops',
    "start-up with a message naming its path, e.g. `hosts.example.com.c2s_timeout: expected a duration like \"5m\"`.",
    "",
    "Without a configuration file the server serves `localhost`, stores data in `./data`, and",
    "listens on 5222 (STARTTLS), 5223 (direct TLS) and 5269 (server-to-server).",
    "",
    "```yaml",
    "log_level: info",
    "c2s_ports: [5222]",
    'data_path: "/var/lib/xmppd"',
    "hosts:",
    "  example.com:",
    "    allow_registration: false",
    "  example.net:",
    '    c2s_timeout: "10m"',
    "    modules_disabled: [version]",
    "```",
    "",
    "## Core options",
    "",
    table(core),
  ];
  for (const m of modules) {
    if (!m.options || Object.keys(m.options).length === 0) continue;
    parts.push("", `## Module \`${m.name}\``, "", m.summary, "", table(m.options));
  }
  return parts.join("\n") + "\n";
}
