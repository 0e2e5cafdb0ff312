/**
 * Service discovery for the MUC service and its rooms. The server's disco module serves account
 * hosts only, so the service answers for itself.
 *
 * References:
 * - XEP-0045 §6.1–§6.2 (the service: identity conference/text, feature …/muc), §6.3 (public rooms
 *   as items; hidden rooms are not listed), §6.4 (room info: identity, muc_* features, a
 *   muc#roominfo form per XEP-0128), §6.5 (room items: empty while occupants are private),
 *   §7.12 (the reserved nickname at node x-roomuser-item), §18.1.1 (#traffic: we drop no
 *   namespace, so service-unavailable)
 * - XEP-0030 §3.1 (item-not-found for unknown nodes and entities)
 * - XEP-0421 §2 (urn:xmpp:occupant-id:0 on every room, and on the service as ids are always on)
 */
import type { Element } from "ltx";
import type { Host } from "../../lib/host";
import type { IqEvent } from "../../lib/router";
import { el } from "../../lib/stanza";
import { NS } from "../../lib/xml/ns";
import type { MucContext } from "./context";
import { type Field, formElement } from "./dataform";
import { mucError } from "./errors";
import { roomFor } from "./lookup";
import { MUC, NS_OCCUPANT_ID } from "./ns";
import type { Room } from "./room";

export const SERVICE_FEATURES = [NS.DISCO_INFO, NS.DISCO_ITEMS, MUC.BASE, MUC.STABLE_ID, NS_OCCUPANT_ID, NS.PING];

function identity(name: string): Element {
  return el("identity", { category: "conference", type: "text", name });
}

function features(list: readonly string[]): Element[] {
  return [...new Set(list)].sort().map((f) => el("feature", { var: f }));
}

export function serviceInfo(host: Host, ev: IqEvent): Element {
  if (ev.payload.attrs.node !== undefined) throw mucError("item-not-found");
  return el(
    "query",
    { xmlns: NS.DISCO_INFO },
    host.identities.values().map((i) => el("identity", { category: i.category, type: i.type, name: i.name })),
    features(host.features.values()),
  );
}

export function serviceItems(ctx: MucContext, ev: IqEvent): Element {
  if (ev.payload.attrs.node !== undefined) throw mucError("item-not-found");
  const listed = [...ctx.rooms.all()].filter((r) => r.config.public && !r.locked);
  return el("query", { xmlns: NS.DISCO_ITEMS }, listed.map((r) => el("item", { jid: r.jid.toString(), name: r.config.name || r.jid.local })));
}

function roomFeatures(room: Room): string[] {
  const c = room.config;
  return [
    NS.DISCO_INFO,
    NS.DISCO_ITEMS,
    NS.PING,
    MUC.BASE,
    MUC.STABLE_ID,
    MUC.SELF_PING,
    NS_OCCUPANT_ID,
    c.public ? "muc_public" : "muc_hidden",
    c.persistent ? "muc_persistent" : "muc_temporary",
    c.membersOnly ? "muc_membersonly" : "muc_open",
    c.moderated ? "muc_moderated" : "muc_unmoderated",
    c.whois === "anyone" ? "muc_nonanonymous" : "muc_semianonymous",
    c.password !== "" ? "muc_passwordprotected" : "muc_unsecured",
  ];
}

function roomInfoForm(room: Room): Element {
  const c = room.config;
  const fields: Field[] = [
    { var: "FORM_TYPE", type: "hidden", values: [MUC.ROOMINFO] },
    { var: "muc#roomconfig_roomname", label: "Natural-Language Room Name", values: [c.name] },
    { var: "muc#roominfo_description", label: "Description", values: [c.description] },
    { var: "muc#roominfo_occupants", label: "Number of occupants", values: [String(room.occupants.size)] },
    { var: "muc#roomconfig_changesubject", label: "Occupants May Change the Subject", values: [c.changeSubject ? "1" : "0"] },
  ];
  if (c.lang !== "") fields.push({ var: "muc#roominfo_lang", label: "Language of discussion", values: [c.lang] });
  // §14.4: the subject would leak from rooms that are not meant to be seen.
  if (c.public && !c.membersOnly && c.password === "") fields.push({ var: "muc#roominfo_subject", label: "Current Discussion Topic", values: [room.subject?.text ?? ""] });
  return formElement("result", fields);
}

export function roomInfo(ctx: MucContext, ev: IqEvent): Element {
  const room = roomFor(ctx, ev);
  const node = ev.payload.attrs.node as string | undefined;
  if (node === MUC.NODE_ROOMUSER) {
    const nick = room.reservedNick(ev.from);
    return el("query", { xmlns: NS.DISCO_INFO, node }, nick !== undefined && identity(nick));
  }
  if (node === MUC.NODE_TRAFFIC) throw mucError("service-unavailable");
  if (node !== undefined) throw mucError("item-not-found");
  return el("query", { xmlns: NS.DISCO_INFO }, identity(room.config.name || room.jid.local), features(roomFeatures(room)), roomInfoForm(room));
}

export function roomItems(ctx: MucContext, ev: IqEvent): Element {
  roomFor(ctx, ev);
  if (ev.payload.attrs.node !== undefined) throw mucError("item-not-found");
  return el("query", { xmlns: NS.DISCO_ITEMS });
}
