/**
 * A Multi-User Chat service on a component domain (`components: { conference.example.com:
 * { module: muc } }`): rooms with roles and affiliations, configuration, history, subjects,
 * private messages, persistent rooms in storage, occupant ids and self-ping.
 *
 * References:
 * - XEP-0045 1.35.5 (Multi-User Chat), XEP-0421 1.0.0 (occupant ids), XEP-0410 1.1.0 (self-ping)
 * - XEP-0045 §6 (the service answers disco for itself and its rooms)
 * - XEP-0045 §11.2 (shutdown notice, 332)
 */
import type { Element } from "ltx";
import { defineModule } from "../../lib/module-host/define";
import type { StanzaEvent } from "../../lib/router";
import type { Json } from "../../lib/storage/types";
import { NS } from "../../lib/xml/ns";
import { adminGet, adminSet } from "./admin";
import type { MucContext } from "./context";
import { roomInfo, roomItems, SERVICE_FEATURES, serviceInfo, serviceItems } from "./disco";
import { IqProxy, PENDING_TTL_MS } from "./iq-proxy";
import { roomFor } from "./lookup";
import { occupantMessage, roomMessage } from "./messages";
import { MUC } from "./ns";
import { MUC_OPTIONS } from "./options";
import { ownerGet, ownerSet } from "./owner";
import { occupantPresence, roomPresence } from "./presence";
import { RoomRegistry } from "./registry";
import { announceShutdown } from "./removal";
import { RoomStore } from "./store";

export default defineModule({
  name: "muc",
  summary: "Multi-User Chat service for a component domain: rooms, roles, affiliations, configuration, history, persistent rooms",
  implements: [
    { spec: "XEP-0045", version: "1.35.5", status: "partial", note: "no voice requests, room registration or public logging; history kept in memory" },
    { spec: "XEP-0421", version: "1.0.0", status: "complete" },
    { spec: "XEP-0410", version: "1.1.0", status: "complete", note: "self-pings answered by the service" },
  ],
  scope: "component",
  options: MUC_OPTIONS,
  async setup(mod) {
    const host = mod.host!;
    const rooms = new RoomRegistry(host.name, new RoomStore(mod.storage.map<Json>("muc_rooms")), mod.options, mod.log);
    await rooms.load();
    const ctx: MucContext = { options: mod.options, log: mod.log, rooms, send: (s: Element) => mod.send(s) };
    mod.disco.addIdentity("conference", "text", mod.options.muc_service_name);
    for (const f of SERVICE_FEATURES) mod.disco.addFeature(f);

    /** A bug handling one stanza is logged; the stanza is dropped and the room goes on. */
    const safely = (what: string, fn: (ev: StanzaEvent) => true | Promise<true>) => (ev: StanzaEvent) => {
      const fail = (err: unknown): true => {
        mod.log.error(`handling ${what} failed`, { from: ev.stanza.attrs.from, to: ev.stanza.attrs.to, err: err as Error });
        return true;
      };
      try {
        const r = fn(ev);
        return r instanceof Promise ? r.catch(fail) : r;
      } catch (err) {
        return fail(err);
      }
    };
    const proxy = new IqProxy(ctx);
    mod.hook("presence/full", safely("presence", (ev) => occupantPresence(ctx, ev)));
    mod.hook("presence/bare", safely("presence", (ev) => roomPresence(ctx, ev)));
    mod.hook("presence/host", () => true);
    mod.hook("message/bare", safely("a message", (ev) => roomMessage(ctx, ev)));
    mod.hook("message/full", safely("a private message", (ev) => occupantMessage(ctx, ev)));
    mod.hook("iq/full", safely("an IQ to an occupant", (ev) => proxy.handle(ev)));
    mod.timers.every(PENDING_TTL_MS, () => proxy.sweep());

    mod.iq.get("host", NS.DISCO_INFO, "query", (ev) => serviceInfo(host, ev));
    mod.iq.get("host", NS.DISCO_ITEMS, "query", (ev) => serviceItems(ctx, ev));
    mod.iq.get("host", NS.PING, "ping", () => true);
    mod.iq.get("bare", NS.DISCO_INFO, "query", (ev) => roomInfo(ctx, ev));
    mod.iq.get("bare", NS.DISCO_ITEMS, "query", (ev) => roomItems(ctx, ev));
    mod.iq.get("bare", NS.PING, "ping", (ev) => (roomFor(ctx, ev), true));
    mod.iq.get("bare", MUC.ADMIN, "query", (ev) => adminGet(ctx, ev));
    mod.iq.set("bare", MUC.ADMIN, "query", (ev) => adminSet(ctx, ev));
    mod.iq.get("bare", MUC.OWNER, "query", (ev) => ownerGet(ctx, ev));
    mod.iq.set("bare", MUC.OWNER, "query", (ev) => ownerSet(ctx, ev));

    mod.hookGlobal("server-stopping", () => announceShutdown(ctx));
  },
});
