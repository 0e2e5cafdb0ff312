/**
 * PUT of a file into its slot. Everything is decided from the request head before a byte of the
 * body is read: the slot, its secret, the exact length and the type. The body then goes to a
 * fresh file under incoming/, is flushed, and only then moved into place and recorded; the slot
 * is used up by the success alone, so a failed upload may be retried while the slot lasts.
 *
 * References:
 * - XEP-0363 §6 (reject a Content-Length other than the requested size; should reject another
 *   Content-Type; the client sends the slot's headers; 201 once the file is served), §8
 * - RFC 9110 §9.3.4 (PUT), §8.6 (Content-Length), §10.1.1 (Expect: 100-continue),
 *   §15.3.2 (201), §15.5.1 (400), §15.5.4 (403), §15.5.5 (404), §15.5.10 (409),
 *   §15.5.12 (411), §15.5.14 (413), §15.5.16 (415)
 * - reliability.md HTTP-03 (other slots, expired slots, larger bodies, other types), HTTP-09
 *   (the secret is compared, never logged)
 */
import { open } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isMediaType, mediaTypeEssence } from "../request";
import { authorizationFor } from "../service";
import type { StoredFile } from "../store";
import { sameSecret } from "../tokens";
import type { FileTarget } from "../urls";
import type { HttpContext } from "./context";
import { refuse } from "./respond";

const OCTET_STREAM = "application/octet-stream";

class ShortBody extends Error {}

/** The refusal for a PUT's head, or undefined when the body may come. */
function check(ctx: HttpContext, target: FileTarget, req: IncomingMessage): number | undefined {
  const now = ctx.now();
  const slot = ctx.slots.get(target.id, now);
  if (!slot || slot.filename !== target.name) {
    const stored = ctx.store.get(target.id, now);
    return stored && stored.filename === target.name ? 409 : 404;
  }
  const auth = req.headers.authorization;
  if (auth === undefined || !sameSecret(auth, authorizationFor(slot))) return 403;
  if (slot.uploading) return 409;
  const length = req.headers["content-length"];
  if (length === undefined || req.headers["transfer-encoding"] !== undefined) return 411;
  if (!/^\d{1,15}$/.test(length)) return 400;
  if (Number(length) > slot.size) return 413;
  if (Number(length) !== slot.size) return 400;
  const type = req.headers["content-type"];
  if (slot.contentType !== undefined && type !== undefined && mediaTypeEssence(type) !== mediaTypeEssence(slot.contentType)) return 415;
  return undefined;
}

/** Streams the body into `file`, flushed; throws ShortBody when it ends early or runs long. */
async function receive(req: IncomingMessage, file: string, size: number): Promise<void> {
  const fh = await open(file, "wx", 0o600);
  try {
    let received = 0;
    for await (const chunk of req) {
      received += (chunk as Buffer).length;
      if (received > size) throw new ShortBody("body longer than Content-Length");
      await fh.write(chunk as Buffer);
    }
    if (received !== size) throw new ShortBody("body shorter than Content-Length");
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function receiveFile(ctx: HttpContext, target: FileTarget, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const refusal = check(ctx, target, req);
  if (refusal !== undefined) return refuse(res, refusal);
  const slot = ctx.slots.get(target.id, ctx.now())!;
  slot.uploading = true;
  const incoming = ctx.store.incomingPath(slot.id);
  try {
    if (req.headers.expect?.toLowerCase() === "100-continue") res.writeContinue();
    await receive(req, incoming, slot.size);
    const declared = req.headers["content-type"];
    const now = ctx.now();
    const file: StoredFile = {
      id: slot.id,
      owner: slot.owner,
      filename: slot.filename,
      contentType: slot.contentType ?? (declared !== undefined && isMediaType(declared) ? declared : OCTET_STREAM),
      size: slot.size,
      created: now,
      expires: now + ctx.expireAfter,
    };
    await ctx.store.commit(incoming, file);
    ctx.slots.delete(slot.id);
    ctx.log.info("file uploaded", { owner: slot.owner, size: slot.size });
    res.statusCode = 201;
    res.setHeader("Content-Length", 0);
    res.end();
  } catch (err) {
    slot.uploading = false;
    await ctx.store.discard(incoming).catch(() => undefined);
    if (err instanceof ShortBody || req.destroyed || req.readableAborted) {
      ctx.log.debug("upload aborted", { owner: slot.owner, reason: (err as Error).message });
      if (!res.headersSent && !res.destroyed) refuse(res, 400);
      return;
    }
    throw err;
  }
}
