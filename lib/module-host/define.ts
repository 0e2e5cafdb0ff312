/**
 * The module definition API. A module is a definition, not side effects: the host validates it,
 * resolves its options, and calls setup() once per host (or once for the whole server).
 */
import type { Element } from "ltx";
import type { OptionsOf, Schema } from "../config/options";
import type { Handler } from "../events";
import type { Host } from "../host";
import type { Logger } from "../log";
import type { AddrKind, IqHandler } from "../router";
import type { ArchiveStore, Json, KeyValStore, MapStore } from "../storage/types";
import type { ElementEvent, FeatureBuilder, LinkKindSpec } from "../stream/types";
import type { Server } from "../server";

export interface SpecImplementation {
  spec: string;
  version?: string;
  status: "complete" | "partial" | "planned";
  note?: string;
}

/** "host": every local (account) host; "component": only the component hosts that name it; "global": once. */
export type ModuleScope = "global" | "host" | "component";

export interface ModuleContext<S extends Schema = Schema> {
  readonly name: string;
  /** The host's name, or "*" for a global module. */
  readonly hostName: string;
  readonly host: Host | undefined;
  readonly server: Server;
  readonly options: OptionsOf<S>;
  readonly log: Logger;

  /** Hooks an event on this module's host (the global bus for global modules). */
  hook<T>(event: string, handler: Handler<T>, priority?: number): void;
  hookGlobal<T>(event: string, handler: Handler<T>, priority?: number): void;
  /** Hooks a top-level element (a nonza or a stanza before routing) on the listed link kinds. */
  hookElement(streams: readonly LinkKindSpec[], xmlns: string, name: string, handler: Handler<ElementEvent>, priority?: number): void;
  iq: {
    get(kind: AddrKind | readonly AddrKind[], xmlns: string, name: string, handler: IqHandler, priority?: number): void;
    set(kind: AddrKind | readonly AddrKind[], xmlns: string, name: string, handler: IqHandler, priority?: number): void;
  };
  disco: {
    addFeature(ns: string): void;
    addAccountFeature(ns: string): void;
    addIdentity(category: string, type: string, name?: string): void;
    addAccountIdentity(category: string, type: string, name?: string): void;
  };
  streamFeatures: {
    offer(streams: readonly LinkKindSpec[], build: FeatureBuilder, priority?: number): void;
  };
  storage: {
    keyval<T extends Json>(store?: string): KeyValStore<T>;
    map<T extends Json>(store?: string): MapStore<T>;
    archive<T extends Json>(store?: string): ArchiveStore<T>;
  };
  /** Posts a stanza the server generated (to/from set) through the router. */
  send(stanza: Element): void;
  timers: {
    after(ms: number, fn: () => void): () => void;
    every(ms: number, fn: () => void): () => void;
  };
  onUnload(fn: () => void | Promise<void>): void;
}

export interface ModuleDefinition<S extends Schema = Schema> {
  readonly name: string;
  readonly summary: string;
  readonly implements?: readonly SpecImplementation[];
  readonly scope: ModuleScope;
  /** Link kinds whose stream-level traffic this module may hook (documentation and a guard). */
  readonly streams?: readonly LinkKindSpec[];
  readonly requires?: readonly string[];
  /** A "host" module that component hosts load too (link modules such as s2s), unless disabled there. */
  readonly alsoOnComponents?: boolean;
  readonly options?: S;
  setup(mod: ModuleContext<S>): void | Promise<void>;
}

export function defineModule<S extends Schema = Record<string, never>>(def: ModuleDefinition<S>): ModuleDefinition<S> {
  if (!/^[a-z][a-z0-9-]*$/.test(def.name)) throw new Error(`module name must be kebab-case: ${def.name}`);
  return def;
}
