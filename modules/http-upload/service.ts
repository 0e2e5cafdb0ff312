/**
 * Handing out slots: who may ask, what may be stored, how much per day, and the slot itself with
 * its PUT secret.
 *
 * References:
 * - XEP-0363 §4 (the slot: a PUT URL with <header/> elements, a GET URL; Authorization is one of
 *   the header names clients pass on), §5 (file-too-large with max-file-size; quota as a
 *   temporary error; refusing a requester), §8 (long random URL parts)
 * - RFC 6750 §2.1 (the Bearer scheme of the Authorization header)
 * - reliability.md HTTP-03 (per-file and daily limits), HTTP-08 (CSPRNG tokens)
 */
import type { Element } from "ltx";
import { stanzaError } from "../../lib/errors";
import type { JID } from "../../lib/jid";
import { el } from "../../lib/stanza";
import { fileTooLarge, quotaReached } from "./errors";
import { NS_UPLOAD } from "./ns";
import type { UploadOptions } from "./options";
import { checkQuota } from "./quota";
import { readRequest } from "./request";
import type { Slot, SlotTable } from "./slots";
import type { FileStore } from "./store";
import { newFileId, newToken } from "./tokens";
import { fileUrl } from "./urls";

/** Unused slots one account may hold at once (each counts against the quota; empty files would not). */
export const MAX_OPEN_SLOTS = 50;

export interface SlotService {
  readonly options: UploadOptions;
  readonly slots: SlotTable;
  readonly store: FileStore;
  /** Domains whose accounts may upload. */
  readonly allowed: ReadonlySet<string>;
  /** What every slot URL starts with. */
  readonly base: string;
}

export function authorizationFor(slot: Slot): string {
  return `Bearer ${slot.token}`;
}

function freshId(svc: SlotService, now: number): string {
  for (;;) {
    const id = newFileId();
    if (!svc.slots.get(id, now) && !svc.store.has(id)) return id;
  }
}

/** The <slot/> for a request from `from`, or a thrown StanzaError. */
export function issueSlot(svc: SlotService, from: JID, payload: Element, now: number): Element {
  if (from.local === "" || !svc.allowed.has(from.domain)) throw stanzaError("forbidden", "Only accounts of this server may upload files");
  const req = readRequest(payload);
  const max = svc.options.http_upload_file_size_limit;
  if (req.size > max) throw fileTooLarge(max);
  const owner = from.bare.toString();
  const open = svc.slots.ownedBy(owner, now);
  if (open.length >= MAX_OPEN_SLOTS) throw stanzaError("resource-constraint", "Too many unused upload slots");
  const usage = [...svc.store.ownedBy(owner).map((f) => ({ size: f.size, at: f.created })), ...open.map((s) => ({ size: s.size, at: s.created }))];
  const quota = checkQuota(usage, req.size, svc.options.http_upload_quota, now);
  if (!quota.ok) throw quotaReached(quota.retryAt);

  const slot: Slot = {
    id: freshId(svc, now),
    token: newToken(),
    owner,
    filename: req.filename,
    size: req.size,
    contentType: req.contentType,
    created: now,
    expires: now + svc.options.http_upload_slot_expire_after,
    uploading: false,
  };
  svc.slots.add(slot);
  const url = fileUrl(svc.base, slot.id, slot.filename);
  return el(
    "slot",
    { xmlns: NS_UPLOAD },
    el("put", { url }, el("header", { name: "Authorization" }, authorizationFor(slot))),
    el("get", { url }),
  );
}
