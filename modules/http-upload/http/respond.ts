/**
 * Short answers of the upload listener: a status with its reason phrase as a plain-text body.
 * Refusing a PUT also closes the connection, so the body the client may still be sending is
 * never read.
 *
 * References:
 * - RFC 9110 §15 (status codes), RFC 9112 §9.6 (Connection: close)
 */
import { STATUS_CODES, type ServerResponse } from "node:http";

export function status(res: ServerResponse, code: number): void {
  const body = `${STATUS_CODES[code] ?? "Error"}\n`;
  res.statusCode = code;
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(body));
  res.setHeader("Cache-Control", "no-store");
  res.end(body);
}

export function refuse(res: ServerResponse, code: number): void {
  res.setHeader("Connection", "close");
  status(res, code);
}
