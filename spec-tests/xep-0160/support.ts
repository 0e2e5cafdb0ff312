/** Small helpers for the offline-storage behaviour tests: log in, wait for a stanza, collect stanzas. */
import type { Element } from "ltx";
import { XmppClient } from "../runner/client";

export const DELAY_NS = "urn:xmpp:delay";
export const STANZAS_NS = "urn:ietf:params:xml:ns:xmpp-stanzas";
/** XEP-0082 DateTime in UTC, as XEP-0203 requires for 'stamp'. */
export const XEP0082_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

export async function login(port: number, jid: string, password: string, resource?: string): Promise<XmppClient> {
  const c = new XmppClient({ jid, password, resource, host: "127.0.0.1", port, timeoutMs: 10_000, log: () => undefined });
  await c.connect();
  return c;
}

/** The next element matching `pred`; anything else that arrives first is skipped. */
export async function waitFor(c: XmppClient, pred: (e: Element) => boolean, ms = 5000, what = "a matching stanza"): Promise<Element> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out waiting for ${what}`);
    const ev = await c.next(left).catch(() => undefined);
    if (!ev) throw new Error(`timed out waiting for ${what}`);
    if (ev.kind === "element" && pred(ev.el)) return ev.el;
    if (ev.kind === "closed" || ev.kind === "end") throw new Error(`stream ended while waiting for ${what}`);
  }
}

/** Every element that arrives within `ms` (the window restarts on nothing: it is a fixed wait). */
export async function collect(c: XmppClient, ms: number): Promise<Element[]> {
  const out: Element[] = [];
  const deadline = Date.now() + ms;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return out;
    const ev = await c.next(left).catch(() => undefined);
    if (!ev) return out;
    if (ev.kind === "element") out.push(ev.el);
  }
}

export const isMessage = (e: Element) => e.name === "message";
export const isChatMessage = (e: Element) => e.name === "message" && e.attrs.type !== "error";
export const bodyOf = (e: Element) => e.getChildText("body");
export const isErrorFor = (id: string) => (e: Element) => e.name === "message" && e.attrs.type === "error" && e.attrs.id === id;
export const errorCondition = (e: Element) => e.getChild("error")?.children.find((c): c is Element => typeof c !== "string" && c.attrs.xmlns === STANZAS_NS)?.name;

export function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/'/g, "&apos;");
}
