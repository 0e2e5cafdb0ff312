/**
 * The upload service's options, read from its `components:` block (or the top level).
 *
 * References:
 * - XEP-0363 §3 (max-file-size), §7 (slot and file lifetimes are the service's choice)
 * - reliability.md §5 (Prosody's defaults: 10 MB per file, 100 MB per day, files kept a week)
 */
import { opt, type OptionSpec, type OptionsOf } from "../../lib/config/options";

/** opt.ports is global-only (the kernel's listeners); each upload component may have its own ports. */
function componentPorts(def: number[], doc: string): OptionSpec<number[]> {
  return { ...opt.ports(def, doc), scope: "host" };
}

export const UPLOAD_OPTIONS = {
  http_upload_ports: componentPorts([5443], "HTTPS ports of the upload service (on the core `interfaces`); 0 picks a free port."),
  http_upload_external_url: opt.optionalString(
    "Base https:// URL of the slot URLs when a reverse proxy serves the upload service (e.g. https://files.example.com/upload/); the proxy must pass the path on unchanged. Default: https://<component domain>:<first port>/upload/.",
  ),
  http_upload_file_size_limit: opt.integer(10_485_760, "Largest file (bytes) one slot may be for; advertised as max-file-size.", { min: 1 }),
  http_upload_quota: opt.integer(104_857_600, "Bytes one account may upload in any 24 hours (files and unused slots); 0 turns the quota off.", { min: 0 }),
  http_upload_slot_expire_after: opt.duration("5m", "How long a slot's PUT URL stays usable."),
  http_upload_expire_after: opt.duration("7d", "How long an uploaded file is kept and served before it is deleted."),
  http_upload_access: opt.stringList([], "Domains whose accounts may request slots. Empty: every account host of this server. Other requesters get forbidden."),
  http_upload_service_name: opt.string("HTTP File Upload", "Name of the upload service in its disco#info identity and in the server's disco#items."),
  http_upload_cors_origins: opt.stringList(["*"], 'Web origins allowed to upload and download from a browser (CORS); "*" allows any, an empty list sends no CORS headers.'),
};

export type UploadOptions = OptionsOf<typeof UPLOAD_OPTIONS>;
