/**
 * The upload listener's request handler. Deny by default: a request is about a file only when its
 * raw target matches a file URL (urls.ts, the one place paths are read), and only GET, HEAD, PUT
 * and the CORS preflight are served; everything else is 404 or 405. A failure answers 500 without
 * detail, and the log gets the method and status, never the URL or a header.
 *
 * References:
 * - RFC 9110 §9.3.7 (OPTIONS), §15.5.6 (405 with Allow), §15.6.1 (500)
 * - Fetch Standard §3.2.2 (a preflight is an OPTIONS request answered with the CORS headers)
 * - reliability.md HTTP-01, HTTP-02 (canonicalise once, deny by default), HTTP-09 (no secrets or
 *   URLs in logs)
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { parseTarget } from "../urls";
import type { HttpContext } from "./context";
import { serveFile } from "./get";
import { corsHeaders, METHODS, PREFLIGHT_HEADERS, SECURITY_HEADERS, setHeaders } from "./headers";
import type { RequestHandler } from "./listener";
import { receiveFile } from "./put";
import { status } from "./respond";

function route(ctx: HttpContext, req: IncomingMessage, res: ServerResponse): void | Promise<void> {
  setHeaders(res, SECURITY_HEADERS);
  setHeaders(res, corsHeaders(ctx.corsOrigins, req.headers.origin));
  const target = parseTarget(ctx.prefix, req.url ?? "");
  if (!target) return status(res, 404);
  switch (req.method) {
    case "GET":
    case "HEAD":
      return serveFile(ctx, target, req, res);
    case "PUT":
      return receiveFile(ctx, target, req, res);
    case "OPTIONS":
      res.setHeader("Allow", METHODS);
      if (ctx.corsOrigins.length > 0) setHeaders(res, PREFLIGHT_HEADERS);
      res.statusCode = 204;
      res.end();
      return;
    default:
      res.setHeader("Allow", METHODS);
      return status(res, 405);
  }
}

export function makeHandler(ctx: HttpContext): RequestHandler {
  return (req, res) => {
    res.on("finish", () => ctx.log.debug("http request", { method: req.method, status: res.statusCode }));
    const fail = (err: unknown) => {
      ctx.log.error("upload request failed", { method: req.method, err: err as Error });
      if (!res.headersSent) status(res, 500);
      else res.destroy();
    };
    try {
      const r = route(ctx, req, res);
      if (r instanceof Promise) r.catch(fail);
    } catch (err) {
      fail(err);
    }
  };
}
