/**
 * An HTTP File Upload service on a component domain (`components: { upload.example.com:
 * { module: http-upload } }`): accounts of this server ask it for a slot over XMPP, PUT the file to
 * its HTTPS listener with the slot's secret, and anyone with the GET URL downloads it until it
 * expires.
 *
 * References:
 * - XEP-0363 1.1.0 (HTTP File Upload): §3 disco, §4 slots, §5 errors, §6 upload, §7 lifetimes,
 *   §8 security
 * - XEP-0128 (the max-file-size form), XEP-0199 (the service answers pings)
 * - reliability.md §0 item 9, §7.8 HTTP-01…04, HTTP-08…10, HTTP-13; DUR-13; AUTH-14 (a deleted
 *   account's uploads go with it)
 */
import path from "node:path";
import type { Element } from "ltx";
import { ConfigError } from "../../lib/config/options";
import { tryParseJid } from "../../lib/jid";
import { defineModule } from "../../lib/module-host/define";
import { iqEventName, type IqEvent } from "../../lib/router";
import { iqResult } from "../../lib/stanza";
import type { Json } from "../../lib/storage/types";
import { tlsServerOptions } from "../../lib/tls/server-options";
import { NS } from "../../lib/xml/ns";
import { SERVICE_FEATURES, serviceInfo, serviceItems } from "./disco";
import { errorReplyFor } from "./errors";
import { forgetDeletedAccounts, scheduleSweeps } from "./housekeeping";
import { makeHandler } from "./http/handler";
import { listenHttps } from "./http/listener";
import { NS_UPLOAD } from "./ns";
import { UPLOAD_OPTIONS } from "./options";
import { issueSlot, type SlotService } from "./service";
import { SlotTable } from "./slots";
import { FileStore } from "./store";
import { baseUrl, parseExternalUrl, servicePrefix } from "./urls";

export default defineModule({
  name: "http-upload",
  summary: "XEP-0363 HTTP File Upload service for a component domain: slots over XMPP, an HTTPS listener that stores and serves the files",
  implements: [
    { spec: "XEP-0363", version: "1.1.0", status: "complete", note: "PUTs are authorised by a per-slot bearer secret in the Authorization header" },
    { spec: "XEP-0128", status: "complete", note: "max-file-size on the upload service" },
  ],
  scope: "component",
  options: UPLOAD_OPTIONS,
  async setup(mod) {
    const host = mod.host!;
    const o = mod.options;
    const external = o.http_upload_external_url === undefined ? undefined : parseExternalUrl(o.http_upload_external_url, `components.${host.name}.http_upload_external_url`);
    if (!external && o.http_upload_ports.length === 0) throw new ConfigError(`components.${host.name}.http_upload_ports: no port to listen on and no http_upload_external_url`);
    const allowed = new Set(
      o.http_upload_access.length > 0
        ? o.http_upload_access.map((d) => tryParseJid(d)?.domain ?? d.toLowerCase())
        : [...mod.server.hosts.values()].filter((h) => h.kind === "local").map((h) => h.name),
    );

    const store = new FileStore(path.join(path.resolve(mod.server.options.data_path), "http_upload", host.name), mod.storage.map<Json>("http_upload"), mod.log);
    await store.open();
    await store.sweep(Date.now());
    const slots = new SlotTable();
    mod.onUnload(() => slots.clear());

    await mod.server.certs.ensure(host.name);
    const listener = await listenHttps({
      interfaces: mod.server.options.interfaces,
      ports: o.http_upload_ports,
      tls: tlsServerOptions(mod.server.certs, host.name, { alpn: ["http/1.1"] }),
      handler: makeHandler({
        prefix: servicePrefix(external),
        slots,
        store,
        corsOrigins: o.http_upload_cors_origins,
        expireAfter: o.http_upload_expire_after,
        log: mod.log,
        now: Date.now,
      }),
      log: mod.log,
    });
    mod.onUnload(() => listener.close());

    const service: SlotService = { options: o, slots, store, allowed, base: baseUrl(external, host.name, listener.ports[0] ?? 443) };
    // Not mod.iq.get: the file-too-large and quota errors carry child elements a StanzaError cannot.
    mod.hook<IqEvent>(iqEventName("get", "host", NS_UPLOAD, "request"), (ev) => {
      let reply: Element;
      try {
        reply = iqResult(ev.stanza, issueSlot(service, ev.from, ev.payload, Date.now()));
      } catch (err) {
        reply = errorReplyFor(ev.stanza, err, mod.log);
      }
      mod.server.router.reply(ev.origin, ev.stanza, reply);
      return true;
    });

    mod.disco.addIdentity("store", "file", o.http_upload_service_name);
    for (const f of SERVICE_FEATURES) mod.disco.addFeature(f);
    mod.iq.get("host", NS.DISCO_INFO, "query", (ev) => serviceInfo(host, o.http_upload_file_size_limit, ev));
    mod.iq.get("host", NS.DISCO_ITEMS, "query", (ev) => serviceItems(ev));
    mod.iq.get("host", NS.PING, "ping", () => true);

    scheduleSweeps(mod, o, slots, store);
    forgetDeletedAccounts(mod, slots, store);
  },
});
