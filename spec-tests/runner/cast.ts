/**
 * The characters of one script run: their connections, their JIDs for variables, account set-up and the
 * final clean-up.
 */
import type { Character, Script } from "./script";
import type { Target } from "./types";
import { XmppClient } from "./client";
import { RawCharacter } from "./raw";
import { rewriteDomain, splitJid, VarSource } from "./vars";

export const DEFAULT_TIMEOUT_MS = 5000;

export interface Actor {
  def: Character;
  /** Configured JID, domain rewritten for the target. */
  jid?: string;
  fullJid?: string;
  conn?: XmppClient | RawCharacter;
}

export class Cast implements VarSource {
  readonly actors = new Map<string, Actor>();
  readonly timeoutMs: number;

  constructor(
    script: Script,
    private readonly target: Target,
    private readonly log: (line: string) => void,
  ) {
    this.timeoutMs = target.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    for (const def of script.characters) {
      const jid = def.props.jid !== undefined ? rewriteDomain(def.props.jid, target.domain) : undefined;
      this.actors.set(def.name, { def, jid });
    }
  }

  get(name: string): Actor {
    const a = this.actors.get(name);
    if (!a) throw new Error(`no character ${name}`);
    return a;
  }

  async ensureAccounts(): Promise<void> {
    if (!this.target.ensureAccount) return;
    const done = new Set<string>();
    for (const a of this.actors.values()) {
      if (!a.jid || a.def.props.password === undefined) continue;
      const { local } = splitJid(a.jid);
      const key = `${local}\0${a.def.props.password}`;
      if (done.has(key)) continue;
      done.add(key);
      await this.target.ensureAccount(local, a.def.props.password);
    }
  }

  /** A fresh connection object for `connects`; the previous one, if any, must be gone. */
  create(a: Actor): XmppClient | RawCharacter {
    const p = a.def.props;
    const direct = p.tls === "direct";
    const port = direct ? (this.target.directTlsPort ?? num(p.connect_port)) : (this.target.port ?? num(p.connect_port) ?? 5222);
    if (port === undefined) throw new Error(`${a.def.name} wants direct TLS but the target has no directTlsPort`);
    const host = this.target.host ?? p.connect_host ?? "127.0.0.1";
    const log = (line: string) => this.log(`  ${a.def.name} ${line}`);
    if (a.def.cls === "Client") {
      return new XmppClient({
        jid: a.jid!,
        password: p.password,
        resource: p.resource,
        host,
        port,
        tls: p.tls as "starttls" | "direct" | "none" | undefined,
        sasl: p.sasl,
        timeoutMs: this.timeoutMs,
        log,
      });
    }
    return new RawCharacter({ host, port, directTls: direct, servername: this.target.domain, timeoutMs: this.timeoutMs, log });
  }

  async disconnectAll(): Promise<string[]> {
    const problems: string[] = [];
    await Promise.all(
      [...this.actors.values()].map(async (a) => {
        const c = a.conn;
        a.conn = undefined;
        try {
          await c?.disconnect();
        } catch (e) {
          problems.push(`clean-up of ${a.def.name}: ${(e as Error).message}`);
        }
      }),
    );
    return problems;
  }

  jid(name: string): string | undefined {
    const a = this.actors.get(name);
    return a?.jid && bare(a.jid);
  }

  fullJid(name: string): string | undefined {
    return this.actors.get(name)?.fullJid;
  }

  plain(name: string): string | undefined {
    const a = this.actors.get(name);
    if (!a?.jid || a.def.props.password === undefined) return undefined;
    return Buffer.from(`\0${splitJid(a.jid).local}\0${a.def.props.password}`).toString("base64");
  }

  named(key: string): string | undefined {
    if (key === "domain") return this.target.domain;
    return this.target.vars?.[key];
  }
}

const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));
const bare = (jid: string) => jid.replace(/\/.*$/, "");
