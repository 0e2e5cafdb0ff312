/** What the stream management handlers of one host share. */
import type { Element } from "ltx";
import type { Host } from "../../lib/host";
import type { Logger } from "../../lib/log";
import type { Server } from "../../lib/server";
import type { Session, SessionKeeper } from "../../lib/stream/session";
import type { ResumableSessions } from "./registry";

export interface SmSettings {
  hibernationMs: number;
  maxQueue: number;
  maxUnacked: number;
  maxHibernated: number;
}

export interface SmContext {
  host: Host;
  server: Server;
  log: Logger;
  settings: SmSettings;
  registry: ResumableSessions;
  /** Every session of this host with stream management enabled. */
  sessions: Set<Session>;
  /** Re-routing of unacknowledged stanzas still under way (unload waits for it). */
  pending: Set<Promise<void>>;
  keeper: SessionKeeper;
  /** Posts a server-generated stanza through the router. */
  send(stanza: Element): void;
}
