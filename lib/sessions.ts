/**
 * Registry of bound client sessions: by host, account and resource.
 *
 * References:
 * - RFC 6120 §7.7.2.2 (resource conflict: the new session wins, the old one gets <conflict/>)
 */
import { StreamError } from "./errors";
import type { EventBus } from "./events";
import type { JID } from "./jid";
import type { Session } from "./stream/session";

export interface SessionEvent {
  session: Session;
}

export class SessionRegistry {
  /** host → localpart → resource → session. Maps only: localparts are attacker-chosen strings. */
  private readonly byHost = new Map<string, Map<string, Map<string, Session>>>();

  constructor(private readonly busFor: (host: string) => EventBus | undefined) {}

  /** Binds a session to a full JID, replacing (and closing) a session already bound there. */
  bind(session: Session, jid: JID): void {
    let users = this.byHost.get(jid.domain);
    if (!users) this.byHost.set(jid.domain, (users = new Map()));
    let resources = users.get(jid.local);
    if (!resources) users.set(jid.local, (resources = new Map()));
    const old = resources.get(jid.resource);
    if (old && old !== session) {
      resources.delete(jid.resource);
      this.fireUnbind(old);
      old.jid = undefined;
      old.close(new StreamError("conflict", "Replaced by a new connection"));
    }
    resources.set(jid.resource, session);
    session.jid = jid;
    void this.busFor(jid.domain)?.fire("resource-bind", { session } satisfies SessionEvent);
  }

  unbind(session: Session): void {
    const jid = session.jid;
    if (!jid) return;
    const resources = this.byHost.get(jid.domain)?.get(jid.local);
    if (resources?.get(jid.resource) !== session) return;
    resources.delete(jid.resource);
    if (resources.size === 0) this.byHost.get(jid.domain)!.delete(jid.local);
    this.fireUnbind(session);
  }

  private fireUnbind(session: Session): void {
    const bus = this.busFor(session.jid!.domain);
    if (!bus) return;
    const r = bus.fire("resource-unbind", { session } satisfies SessionEvent);
    if (r instanceof Promise) r.catch((err: unknown) => session.log.error("resource-unbind handler failed", { err: err as Error }));
  }

  get(jid: JID): Session | undefined {
    return this.byHost.get(jid.domain)?.get(jid.local)?.get(jid.resource);
  }

  /** All sessions of an account (bare JID), in no particular order. */
  resources(host: string, local: string): Session[] {
    const r = this.byHost.get(host)?.get(local);
    return r ? [...r.values()] : [];
  }

  count(host?: string): number {
    let n = 0;
    for (const [h, users] of this.byHost) {
      if (host !== undefined && h !== host) continue;
      for (const r of users.values()) n += r.size;
    }
    return n;
  }

  all(): Session[] {
    const out: Session[] = [];
    for (const users of this.byHost.values()) for (const r of users.values()) out.push(...r.values());
    return out;
  }
}
