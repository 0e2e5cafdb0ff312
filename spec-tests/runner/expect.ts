/** Reading the next expected piece of a stream during negotiation, with failures that say what went wrong. */
import type { Element } from "ltx";
import type { Inbound, StreamHeaderInfo, XmlConnection } from "./connection";
import { TimeoutError } from "./inbox";
import { STREAM_NS } from "./xnode";

export async function nextInbound(conn: XmlConnection, timeoutMs: number, what: string): Promise<Inbound> {
  try {
    return await conn.inbox.next(timeoutMs);
  } catch (e) {
    if (e instanceof TimeoutError) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    throw e;
  }
}

export async function nextElement(conn: XmlConnection, timeoutMs: number, what: string): Promise<Element> {
  const ev = await nextInbound(conn, timeoutMs, what);
  if (ev.kind === "element") {
    if (ev.el.name === "error" && ev.el.attrs.xmlns === STREAM_NS) throw new Error(`stream error while waiting for ${what}: ${describeStreamError(ev.el)}`);
    return ev.el;
  }
  throw new Error(`expected ${what}, got ${describeInbound(ev)}`);
}

export async function nextHeader(conn: XmlConnection, timeoutMs: number): Promise<StreamHeaderInfo> {
  const ev = await nextInbound(conn, timeoutMs, "the server's stream header");
  if (ev.kind === "header") return ev.header;
  if (ev.kind === "element" && ev.el.name === "error") throw new Error(`stream error instead of a stream header: ${describeStreamError(ev.el)}`);
  throw new Error(`expected the server's stream header, got ${describeInbound(ev)}`);
}

export function describeInbound(ev: Inbound): string {
  switch (ev.kind) {
    case "header":
      return `a stream header`;
    case "element":
      return ev.el.toString();
    case "end":
      return "</stream:stream> (the server closed the stream)";
    case "parse-error":
      return `unparsable data from the server (${ev.text})`;
    case "closed":
      return `connection closed${ev.reason ? ` (${ev.reason})` : ""}`;
  }
}

export function describeStreamError(el: Element): string {
  const parts = el.children.filter((c): c is Element => typeof c !== "string");
  const condition = parts.find((c) => c.name !== "text")?.name ?? "unknown";
  const text = parts.find((c) => c.name === "text")?.getText();
  return text ? `${condition} (${text})` : condition;
}
