import { readFileSync } from "node:fs";
import path from "node:path";
import { CORE_OPTIONS } from "./core-options";
import { renderConfigDocs } from "./docs";
import { DEFAULT_MODULES, MODULES } from "../../modules";
import { renderModuleDocs } from "../module-host/docs";

describe("docs/configuration.md", () => {
  it("is generated from the current schemas (run `bin/server docs config > docs/configuration.md`)", () => {
    const expected = renderConfigDocs(CORE_OPTIONS, [...MODULES.values()]);
    const actual = readFileSync(path.join(__dirname, "../../docs/configuration.md"), "utf8");
    expect(actual).toBe(expected);
  });

  it("documents every core option", () => {
    const text = renderConfigDocs(CORE_OPTIONS, []);
    for (const name of Object.keys(CORE_OPTIONS)) expect(text).toContain(`| \`${name}\` |`);
  });
});

describe("docs/modules.md", () => {
  it("is generated from the current module definitions (run `bin/server docs modules > docs/modules.md`)", () => {
    const expected = renderModuleDocs([...MODULES.values()], DEFAULT_MODULES);
    const actual = readFileSync(path.join(__dirname, "../../docs/modules.md"), "utf8");
    expect(actual).toBe(expected);
  });
});
