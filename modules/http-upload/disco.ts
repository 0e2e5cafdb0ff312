/**
 * Service discovery for the upload service. The server's disco module serves account hosts only,
 * so the component answers for itself: its identity and features, and the XEP-0128 form that
 * tells clients the largest file before they ask for a slot.
 *
 * References:
 * - XEP-0363 §3 (feature urn:xmpp:http:upload:0, identity store/file, a max-file-size field in
 *   bytes in a form of FORM_TYPE urn:xmpp:http:upload:0)
 * - XEP-0128 (extended information: a data form of type result inside disco#info)
 * - XEP-0068 (the hidden FORM_TYPE field)
 * - XEP-0030 §3.1 (item-not-found for an unknown node), §4 (items: the service has none)
 */
import type { Element } from "ltx";
import { stanzaError } from "../../lib/errors";
import type { Host } from "../../lib/host";
import type { IqEvent } from "../../lib/router";
import { el } from "../../lib/stanza";
import { NS } from "../../lib/xml/ns";
import { NS_DATA, NS_UPLOAD } from "./ns";

export const SERVICE_FEATURES = [NS.DISCO_INFO, NS.DISCO_ITEMS, NS.PING, NS_UPLOAD];

function field(name: string, value: string, type?: string): Element {
  return el("field", { var: name, type }, el("value", {}, value));
}

export function uploadForm(maxFileSize: number): Element {
  return el("x", { xmlns: NS_DATA, type: "result" }, field("FORM_TYPE", NS_UPLOAD, "hidden"), field("max-file-size", String(maxFileSize)));
}

export function serviceInfo(host: Host, maxFileSize: number, ev: IqEvent): Element {
  if (ev.payload.attrs.node !== undefined) throw stanzaError("item-not-found");
  return el(
    "query",
    { xmlns: NS.DISCO_INFO },
    host.identities.values().map((i) => el("identity", { category: i.category, type: i.type, name: i.name })),
    [...new Set(host.features.values())].sort().map((f) => el("feature", { var: f })),
    uploadForm(maxFileSize),
  );
}

export function serviceItems(ev: IqEvent): Element {
  if (ev.payload.attrs.node !== undefined) throw stanzaError("item-not-found");
  return el("query", { xmlns: NS.DISCO_ITEMS });
}
