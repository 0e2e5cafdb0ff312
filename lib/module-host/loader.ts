/**
 * Loads modules into hosts and records every registration a module makes, so unloading it
 * (or reloading it) leaves nothing behind.
 */
import { resolveOptions } from "../config/load";
import type { Schema } from "../config/options";
import type { Handler } from "../events";
import type { Host } from "../host";
import type { AddrKind } from "../router";
import { iqEventName } from "../router";
import type { Server } from "../server";
import { elementEventName, expandKinds, LinkKindSpec } from "../stream/types";
import type { ModuleContext, ModuleDefinition } from "./define";

type Undo = () => void | Promise<void>;

export interface LoadedModule {
  readonly def: ModuleDefinition<Schema>;
  readonly hostName: string;
  readonly undo: Undo[];
}

export class ModuleHost {
  private readonly loaded = new Map<string, Map<string, LoadedModule>>();

  constructor(private readonly server: Server) {}

  isLoaded(name: string, hostName: string): boolean {
    return this.loaded.get(hostName)?.has(name) ?? false;
  }

  names(hostName: string): string[] {
    return [...(this.loaded.get(hostName)?.keys() ?? [])];
  }

  async load(def: ModuleDefinition<Schema>, host: Host | undefined): Promise<LoadedModule> {
    const hostName = host?.name ?? "*";
    if (this.isLoaded(def.name, hostName)) throw new Error(`module ${def.name} is already loaded on ${hostName}`);
    for (const dep of def.requires ?? []) {
      if (!this.isLoaded(dep, hostName) && !this.isLoaded(dep, "*")) throw new Error(`module ${def.name} requires ${dep}, which is not loaded on ${hostName}`);
    }
    const options = resolveOptions(def.options ?? {}, this.server.config, host ? host.name : null);
    const record: LoadedModule = { def, hostName, undo: [] };
    const ctx = this.context(def, host, options, record.undo);
    try {
      await def.setup(ctx);
    } catch (err) {
      await this.runUndo(record);
      throw err;
    }
    let byName = this.loaded.get(hostName);
    if (!byName) this.loaded.set(hostName, (byName = new Map()));
    byName.set(def.name, record);
    return record;
  }

  async unload(name: string, hostName: string): Promise<void> {
    const record = this.loaded.get(hostName)?.get(name);
    if (!record) throw new Error(`module ${name} is not loaded on ${hostName}`);
    this.loaded.get(hostName)!.delete(name);
    await this.runUndo(record);
  }

  async unloadAll(): Promise<void> {
    for (const [hostName, byName] of [...this.loaded]) {
      for (const name of [...byName.keys()].reverse()) await this.unload(name, hostName);
    }
  }

  private async runUndo(record: LoadedModule): Promise<void> {
    for (const undo of record.undo.splice(0).reverse()) {
      try {
        await undo();
      } catch (err) {
        this.server.log.error("module unload step failed", { module: record.def.name, err: err as Error });
      }
    }
  }

  private context<S extends Schema>(def: ModuleDefinition<S>, host: Host | undefined, options: any, undo: Undo[]): ModuleContext<S> {
    const server = this.server;
    const hostName = host?.name ?? "*";
    const log = server.log.child(host ? `${def.name}@${host.name}` : def.name);
    const bus = host?.events ?? server.events;
    const allowedKinds = def.streams ? new Set(expandKinds(def.streams)) : undefined;
    const needHost = (what: string): Host => {
      if (!host) throw new Error(`module ${def.name}: ${what} needs a host-scoped module`);
      return host;
    };
    const itemsChanged = () => {
      if (host) host.itemsVersion++;
    };
    const registerIq = (type: "get" | "set") => (kinds: AddrKind | readonly AddrKind[], xmlns: string, name: string, handler: any, priority?: number) => {
      const h = needHost("iq handlers");
      const listener = server.router.iqListener(handler, log);
      for (const kind of typeof kinds === "string" ? [kinds] : kinds) {
        undo.push(h.events.on(iqEventName(type, kind, xmlns, name), listener, priority));
      }
    };
    return {
      name: def.name,
      hostName,
      host,
      server,
      options,
      log,
      hook<T>(event: string, handler: Handler<T>, priority?: number) {
        undo.push(bus.on(event, handler, priority));
      },
      hookGlobal<T>(event: string, handler: Handler<T>, priority?: number) {
        undo.push(server.events.on(event, handler, priority));
      },
      hookElement(streams: readonly LinkKindSpec[], xmlns: string, name: string, handler, priority?: number) {
        const h = needHost("element hooks");
        for (const kind of expandKinds(streams)) {
          if (allowedKinds && !allowedKinds.has(kind)) throw new Error(`module ${def.name} hooks ${kind} elements but does not declare that stream kind`);
          undo.push(h.events.on(elementEventName(kind, xmlns, name), handler, priority));
        }
      },
      iq: { get: registerIq("get"), set: registerIq("set") },
      disco: {
        addFeature(ns: string) {
          undo.push(needHost("disco features").features.add(ns), itemsChanged);
          itemsChanged();
        },
        addAccountFeature(ns: string) {
          undo.push(needHost("disco features").accountFeatures.add(ns), itemsChanged);
          itemsChanged();
        },
        addIdentity(category: string, type: string, name?: string) {
          undo.push(needHost("disco identities").identities.add({ category, type, name }), itemsChanged);
          itemsChanged();
        },
        addAccountIdentity(category: string, type: string, name?: string) {
          undo.push(needHost("disco identities").accountIdentities.add({ category, type, name }), itemsChanged);
          itemsChanged();
        },
      },
      streamFeatures: {
        offer(streams, build, priority) {
          undo.push(needHost("stream features").offerFeature(expandKinds(streams), build, priority));
        },
      },
      storage: {
        keyval: (store) => server.storage.keyval(hostName, store ?? def.name),
        map: (store) => server.storage.map(hostName, store ?? def.name),
        archive: (store) => server.storage.archive(hostName, store ?? def.name),
      },
      send(stanza) {
        const r = server.router.post(stanza);
        if (r instanceof Promise) r.catch((err: unknown) => log.error("posting a stanza failed", { err: err as Error }));
      },
      timers: {
        after(ms, fn) {
          const t = setTimeout(fn, ms);
          t.unref();
          const cancel = () => clearTimeout(t);
          undo.push(cancel);
          return cancel;
        },
        every(ms, fn) {
          const t = setInterval(fn, ms);
          t.unref();
          const cancel = () => clearInterval(t);
          undo.push(cancel);
          return cancel;
        },
      },
      onUnload(fn) {
        undo.push(fn);
      },
    };
  }
}
