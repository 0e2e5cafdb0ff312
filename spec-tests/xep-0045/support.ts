/** Helpers for the XEP-0045 behaviour tests: a server with a MUC component, joining, reading muc#user. */
import type { Element } from "ltx";
import { startTestServer, type TestServer, type TestServerOptions } from "../support/harness";
import { TestClient } from "../support/test-client";

export const SERVICE = "conference.localhost";
export const NS_MUC = "http://jabber.org/protocol/muc";
export const NS_USER = "http://jabber.org/protocol/muc#user";
export const NS_ADMIN = "http://jabber.org/protocol/muc#admin";
export const NS_OWNER = "http://jabber.org/protocol/muc#owner";
export const NS_DATA = "jabber:x:data";
export const NS_DISCO_INFO = "http://jabber.org/protocol/disco#info";
export const NS_DISCO_ITEMS = "http://jabber.org/protocol/disco#items";
export const NS_OCCUPANT_ID = "urn:xmpp:occupant-id:0";

export function mucYaml(options: Record<string, unknown> = {}): string {
  const extra = Object.entries(options).map(([k, v]) => `\n    ${k}: ${JSON.stringify(v)}`).join("");
  return `components:\n  ${SERVICE}:\n    module: muc${extra}`;
}

export async function startMucServer(opts: TestServerOptions & { muc?: Record<string, unknown> } = {}): Promise<TestServer> {
  return startTestServer({ ...opts, yaml: mucYaml(opts.muc) });
}

export function userX(e: Element): Element | undefined {
  return e.getChild("x", NS_USER);
}

export function item(e: Element): Record<string, string> {
  return (userX(e)?.getChild("item")?.attrs ?? {}) as Record<string, string>;
}

export function codes(e: Element): number[] {
  return (userX(e)?.getChildren("status") ?? []).map((s) => Number(s.attrs.code)).sort();
}

export const presenceFrom = (from: string, type?: string) => (e: Element) => e.name === "presence" && e.attrs.from === from && e.attrs.type === type;
export const selfPresence = (from: string, type?: string) => (e: Element) => presenceFrom(from, type)(e) && codes(e).includes(110);
export const isSubject = (room: string) => (e: Element) => e.name === "message" && e.attrs.from?.startsWith(room) && !!e.getChild("subject") && !e.getChild("body");
export const groupchat = (from: string, body: string) => (e: Element) =>
  e.name === "message" && e.attrs.type === "groupchat" && e.attrs.from === from && e.getChildText("body") === body;
export const errorFrom = (name: string, from: string) => (e: Element) => e.name === name && e.attrs.type === "error" && e.attrs.from === from;

/** Joins and waits until the join completed (the subject arrived); resolves to the self-presence. */
export async function join(c: TestClient, room: string, nick: string, x = ""): Promise<Element> {
  const jid = `${room}@${SERVICE}/${nick}`;
  c.send(`<presence to='${jid}'><x xmlns='${NS_MUC}'>${x}</x></presence>`);
  const self = await c.expect(selfPresence(jid), `self-presence from ${jid}`);
  await c.expect(isSubject(`${room}@${SERVICE}`), `the subject of ${room}`);
  return self;
}

/** The owner accepts the default configuration (an instant room, XEP-0045 §10.1.2). */
export async function instant(c: TestClient, room: string): Promise<void> {
  const r = await c.iq(`<iq type='set' to='${room}@${SERVICE}'><query xmlns='${NS_OWNER}'><x xmlns='${NS_DATA}' type='submit'/></query></iq>`);
  if (r.attrs.type !== "result") throw new Error(`instant room refused: ${r.toString()}`);
}

/** Submits configuration fields as the owner; resolves to the reply. */
export function configure(c: TestClient, room: string, fields: Record<string, string>): Promise<Element> {
  const f = Object.entries(fields).map(([k, v]) => `<field var='${k}'><value>${v}</value></field>`).join("");
  return c.iq(
    `<iq type='set' to='${room}@${SERVICE}'><query xmlns='${NS_OWNER}'><x xmlns='${NS_DATA}' type='submit'>` +
      `<field var='FORM_TYPE'><value>http://jabber.org/protocol/muc#roomconfig</value></field>${f}</x></query></iq>`,
  );
}

export function features(info: Element): string[] {
  return (info.getChild("query")?.getChildren("feature") ?? []).map((f) => f.attrs.var as string);
}

export class Clients {
  private readonly list: TestClient[] = [];
  constructor(private readonly ts: () => TestServer) {}
  async login(user: string, resource = "r"): Promise<TestClient> {
    const c = await TestClient.login(this.ts(), user, `pw-${user}`, { resource });
    this.list.push(c);
    return c;
  }
  async closeAll(): Promise<void> {
    for (const c of this.list.splice(0)) await c.disconnect().catch(() => undefined);
  }
}
