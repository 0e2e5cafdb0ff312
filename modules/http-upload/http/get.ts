/**
 * GET and HEAD of an uploaded file: only a file from the table, under the name its slot was
 * issued for, with the type the uploader declared, as inert content.
 *
 * References:
 * - XEP-0363 §2 (anyone who knows the URL may download), §4 (the GET URL)
 * - RFC 9110 §9.3.1 (GET), §9.3.2 (HEAD: the same header fields, no content), §8.6
 *   (Content-Length), §15.5.5 (404); RFC 9111 §5.2.2.7 (Cache-Control: private)
 * - reliability.md HTTP-02 (no listing, nothing outside the table), HTTP-04 (inert content)
 */
import { constants } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import type { FileTarget } from "../urls";
import type { HttpContext } from "./context";
import { contentDisposition } from "./headers";
import { status } from "./respond";

export async function serveFile(ctx: HttpContext, target: FileTarget, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const file = ctx.store.get(target.id, ctx.now());
  if (!file || file.filename !== target.name) return status(res, 404);
  let fh: FileHandle;
  try {
    // The files directory holds only our own files; O_NOFOLLOW refuses a symlink planted there anyway.
    fh = await open(ctx.store.pathOf(file), constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    // Deleted by the expiry sweep a moment ago.
    return status(res, 404);
  }
  try {
    const { size } = await fh.stat();
    res.statusCode = 200;
    res.setHeader("Content-Type", file.contentType);
    res.setHeader("Content-Length", size);
    res.setHeader("Content-Disposition", contentDisposition(file.filename, file.contentType));
    // Private: a shared cache would keep serving the file after it was deleted here.
    res.setHeader("Cache-Control", `private, max-age=${Math.min(86_400, Math.max(0, Math.floor((file.expires - ctx.now()) / 1000)))}`);
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    await pipeline(fh.createReadStream({ autoClose: false }), res);
  } catch (err) {
    // Mostly a client that went away mid-download.
    ctx.log.debug("download ended early", { err: (err as Error).message });
    if (res.headersSent) res.destroy();
    else status(res, 500);
  } finally {
    await fh.close();
  }
}
