import "reflect-metadata";
import { parseConfigText } from "../config/load";
import { opt } from "../config/options";
import { silentLogger } from "../log";
import { Server } from "../server";
import { MemoryDriver } from "../storage/memory";
import { defineModule } from "./define";
import { el } from "../stanza";

const probe = defineModule({
  name: "probe",
  summary: "registers one of everything",
  scope: "host",
  streams: ["c2s"],
  options: { probe_level: opt.integer(1, "a test option", { min: 0, max: 9 }) },
  setup(mod) {
    mod.hook("message/bare", () => undefined);
    mod.hookElement(["c2s"], "urn:test", "thing", () => true);
    mod.iq.get(["host", "self"], "urn:test", "query", () => true);
    mod.disco.addFeature("urn:test");
    mod.disco.addIdentity("test", "probe");
    mod.disco.addAccountFeature("urn:test:account");
    mod.streamFeatures.offer(["c2s"], () => el("probe", { xmlns: "urn:test" }));
    mod.timers.every(60_000, () => {});
  },
});

function makeServer(yaml = "") {
  const registry = new Map([[probe.name, probe as any]]);
  return new Server(parseConfigText(yaml + "\nhosts:\n  a.example: {}\n"), { registry, defaultModules: [], log: silentLogger, storage: new MemoryDriver() });
}

describe("module host", () => {
  it("records every registration and removes all of them on unload", async () => {
    const server = makeServer();
    const host = server.hosts.get("a.example")!;
    const before = { handlers: host.events.count(), offers: host.offerCount, version: host.itemsVersion };
    await server.modules.load(probe as any, host);
    expect(host.events.count()).toBe(before.handlers + 4);
    expect(host.features.has("urn:test")).toBe(true);
    expect(host.accountFeatures.has("urn:test:account")).toBe(true);
    expect(host.identities.values()).toEqual([{ category: "test", type: "probe", name: undefined }]);
    expect(host.offerCount).toBe(before.offers + 1);
    expect(server.modules.isLoaded("probe", "a.example")).toBe(true);

    await server.modules.unload("probe", "a.example");
    expect(host.events.count()).toBe(before.handlers);
    expect(host.features.has("urn:test")).toBe(false);
    expect(host.accountFeatures.values()).toEqual([]);
    expect(host.identities.values()).toEqual([]);
    expect(host.offerCount).toBe(before.offers);
    expect(host.itemsVersion).toBeGreaterThan(before.version);

    // Reloading gives the same registrations again, not doubled ones.
    await server.modules.load(probe as any, host);
    expect(host.events.count()).toBe(before.handlers + 4);
    await server.modules.unload("probe", "a.example");
    expect(host.events.count()).toBe(before.handlers);
  });

  it("validates module options at load with a path-qualified message", async () => {
    const server = makeServer("probe_level: 12\n");
    await expect(server.modules.load(probe as any, server.hosts.get("a.example"))).rejects.toThrow(/^probe_level: expected an integer >= 0 <= 9, got 12$/);
  });

  it("refuses element hooks on a link kind the module did not declare", async () => {
    const sneaky = defineModule({
      name: "sneaky",
      summary: "",
      scope: "host",
      streams: ["c2s"],
      setup(mod) {
        mod.hookElement(["s2s"], "urn:test", "x", () => true);
      },
    });
    const server = makeServer();
    const host = server.hosts.get("a.example")!;
    const before = host.events.count();
    await expect(server.modules.load(sneaky as any, host)).rejects.toThrow(/does not declare/);
    expect(host.events.count()).toBe(before);
    expect(server.modules.isLoaded("sneaky", "a.example")).toBe(false);
  });

  it("refuses a module whose requirement is not loaded", async () => {
    const needy = defineModule({ name: "needy", summary: "", scope: "host", requires: ["absent"], setup() {} });
    const server = makeServer();
    await expect(server.modules.load(needy as any, server.hosts.get("a.example"))).rejects.toThrow(/requires absent/);
  });
});
