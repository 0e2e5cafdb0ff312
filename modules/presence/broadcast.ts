/**
 * An account's own presence going out: the broadcast a client sends without 'to' (initial,
 * update, unavailable), and the unavailable the server sends for a resource that vanished.
 *
 * References:
 * - RFC 6121 §4.2.2 (initial presence: to subscribers, to the user's available resources including
 *   the sender; probes to the contacts the user is subscribed to)
 * - RFC 6121 §4.3.1 (probes on the user's behalf; sent from the full JID so the answers reach the
 *   new resource only, as Prosody does)
 * - RFC 6121 §4.4.2 (updates: subscribers and available resources)
 * - RFC 6121 §4.5.2 (unavailable: subscribers, available resources, directed-presence recipients)
 * - RFC 6121 §4.6.3 (directed presence is followed by unavailable when the resource goes away)
 * - RFC 6121 §4.7.2.1 (priority: -128..127)
 */
import type { Element } from "ltx";
import type { Host } from "../../lib/host";
import type { Logger } from "../../lib/log";
import type { Server } from "../../lib/server";
import { cloneElement, el, getText } from "../../lib/stanza";
import type { Session } from "../../lib/stream/session";
import { rosterStoreOf, subscribers, subscriptions } from "../roster/service";
import { availableResources, presenceState } from "./state";

export interface PresenceAvailableEvent {
  session: Session;
  initial: boolean;
  stanza: Element;
}

export interface PresenceContext {
  host: Host;
  server: Server;
  /** Posts a server-generated stanza through the router. */
  send(stanza: Element): void;
  log: Logger;
}

export function parsePriority(p: Element): number {
  const text = getText(p.getChild("priority")).trim();
  if (!/^[+-]?\d{1,4}$/.test(text)) return 0;
  return Math.max(-128, Math.min(127, Number(text)));
}

function addressed(stanza: Element, to: string): Element {
  const copy = cloneElement(stanza);
  copy.attrs.to = to;
  return copy;
}

async function rosterOf(ctx: PresenceContext, local: string) {
  return rosterStoreOf(ctx.host)?.read(local);
}

/** A client's presence without 'to' (the router has stamped its full JID as 'from'). */
export async function broadcastOwn(ctx: PresenceContext, origin: Session, stanza: Element): Promise<void> {
  const jid = origin.jid!;
  const type = stanza.attrs.type as string | undefined;
  const st = presenceState(origin);
  const wasAvailable = st.last !== undefined;
  const initial = !wasAvailable && type === undefined;
  const others = availableResources(ctx.server.sessions, ctx.host.name, jid.local).filter((s) => s !== origin);
  if (type === "unavailable") {
    st.last = undefined;
    st.since = undefined;
  } else {
    st.priority = parsePriority(stanza);
    st.last = stanza;
    st.since = Date.now();
  }

  // The user's own resources, the sender included (RFC 6121 §4.2.2: implicitly subscribed to itself).
  for (const s of others) s.send(addressed(stanza, s.jid!.toString()));
  if (type === undefined || wasAvailable) origin.send(addressed(stanza, jid.toString()));

  const roster = await rosterOf(ctx, jid.local);
  // An unavailable resource that never was available has told its subscribers nothing to take back.
  if (type === undefined || wasAvailable) for (const contact of subscribers(roster)) ctx.send(addressed(stanza, contact));

  if (type === "unavailable") {
    for (const full of st.directed ?? []) ctx.send(el("presence", { type: "unavailable", from: jid.toString(), to: full }));
    st.directed = undefined;
    return;
  }
  if (initial) {
    for (const contact of subscriptions(roster)) ctx.send(el("presence", { type: "probe", from: jid.toString(), to: contact }));
    // The new resource learns about the account's other resources, as their contacts would.
    for (const s of others) {
      const copy = addressed(presenceState(s).last!, jid.toString());
      copy.attrs.from = s.jid!.toString();
      origin.send(copy);
    }
  }
  try {
    // Awaited, so what listeners deliver (pending subscription requests, offline messages) reaches
    // the client before anything it sends next is processed.
    await ctx.host.events.fire("presence-available", { session: origin, initial, stanza } satisfies PresenceAvailableEvent);
  } catch (err) {
    ctx.log.error("a presence-available listener failed", { session: origin.id, err: err as Error });
  }
}

/** A resource that went away without saying so is unavailable to everyone who saw it. */
export async function vanished(ctx: PresenceContext, session: Session): Promise<void> {
  const jid = session.jid;
  const st = presenceState(session);
  if (!jid || (st.last === undefined && !st.directed?.size)) return;
  const wasAvailable = st.last !== undefined;
  st.last = undefined;
  st.since = undefined;
  const directed = [...(st.directed ?? [])];
  st.directed = undefined;
  const unavailable = (to: string) => el("presence", { type: "unavailable", from: jid.toString(), to });
  for (const full of directed) ctx.send(unavailable(full));
  if (!wasAvailable) return;
  for (const s of availableResources(ctx.server.sessions, ctx.host.name, jid.local)) if (s !== session) s.send(unavailable(s.jid!.toString()));
  for (const contact of subscribers(await rosterOf(ctx, jid.local))) ctx.send(unavailable(contact));
}
