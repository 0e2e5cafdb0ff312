import { checkUnknownOptions, parseConfigText, resolveOptions } from "./load";
import { CORE_OPTIONS } from "./core-options";
import { ConfigError, opt, parseDuration } from "./options";

describe("config", () => {
  it("serves localhost with defaults when there is no file", () => {
    const raw = parseConfigText("");
    expect([...raw.hosts.keys()]).toEqual(["localhost"]);
    const o = resolveOptions(CORE_OPTIONS, raw, null);
    expect(o.c2s_ports).toEqual([5222]);
    expect(o.c2s_direct_tls_ports).toEqual([5223]);
    expect(o.s2s_ports).toEqual([5269]);
    expect(o.data_path).toBe("./data");
    expect(o.c2s_require_encryption).toBe(true);
  });

  it("looks options up host, then global, then default", () => {
    const raw = parseConfigText(`
c2s_timeout: 10m
allow_registration: true
hosts:
  example.com:
    c2s_timeout: 30s
  example.net: {}
`);
    expect(resolveOptions(CORE_OPTIONS, raw, "example.com").c2s_timeout).toBe(30_000);
    expect(resolveOptions(CORE_OPTIONS, raw, "example.net").c2s_timeout).toBe(600_000);
    expect(resolveOptions(CORE_OPTIONS, raw, "example.net").allow_registration).toBe(true);
    expect(resolveOptions(CORE_OPTIONS, raw, "example.net").c2s_require_encryption).toBe(true);
  });

  it("stops with a path-qualified message on a wrong value", () => {
    const raw = parseConfigText(`
hosts:
  example.com:
    c2s_timeout: soon
`);
    expect(() => resolveOptions(CORE_OPTIONS, raw, "example.com")).toThrow(
      new ConfigError('hosts.example.com.c2s_timeout: expected a duration like "5m", got "soon"'),
    );
    expect(() => resolveOptions(CORE_OPTIONS, parseConfigText("c2s_ports: [5222, 70000]"), null)).toThrow(/c2s_ports\[1\]: expected a port number/);
  });

  it("refuses global-only options in a host block", () => {
    const raw = parseConfigText("hosts:\n  a.example:\n    data_path: /tmp/x\n");
    expect(() => resolveOptions(CORE_OPTIONS, raw, "a.example")).toThrow(/hosts.a.example.data_path: this option is global/);
  });

  it("reports unknown options (typos) with their path", () => {
    const raw = parseConfigText("c2s_port: 5222\n");
    expect(() => checkUnknownOptions(raw, new Set(Object.keys(CORE_OPTIONS)))).toThrow(/^c2s_port: unknown option/);
    const raw2 = parseConfigText("hosts:\n  a.example:\n    alow_registration: true\n");
    expect(() => checkUnknownOptions(raw2, new Set(Object.keys(CORE_OPTIONS)))).toThrow(/hosts.a.example.alow_registration/);
  });

  it("rejects YAML that is not a mapping, and duplicate keys", () => {
    expect(() => parseConfigText("- a\n- b\n")).toThrow(ConfigError);
    expect(() => parseConfigText("a: 1\na: 2\n")).toThrow(ConfigError);
  });

  it("parses durations", () => {
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("30s")).toBe(30_000);
    expect(parseDuration("5m")).toBe(300_000);
    expect(parseDuration("2h")).toBe(7_200_000);
    expect(parseDuration(90)).toBe(90_000);
    expect(parseDuration("5 parsecs")).toBeUndefined();
    expect(parseDuration(-1)).toBeUndefined();
  });

  it("validates integers against their range", () => {
    const spec = opt.integer(3, "x", { min: 1, max: 5 });
    expect(spec.parse(5, "p")).toBe(5);
    expect(() => spec.parse(6, "p")).toThrow("p: expected an integer >= 1 <= 5, got 6");
    expect(() => spec.parse(1.5, "p")).toThrow(ConfigError);
  });
});
