/** Helpers for the XEP-0313 behaviour tests: logged-in clients, archive queries, stanza-ids. */
import type { Element } from "ltx";
import type { TestServer } from "../support/harness";
import { TestClient } from "../support/test-client";

export const MAM = "urn:xmpp:mam:2";
export const SID = "urn:xmpp:sid:0";
export const RSM = "http://jabber.org/protocol/rsm";
export const FORWARD = "urn:xmpp:forward:0";
export const CARBONS = "urn:xmpp:carbons:2";

export class Clients {
  private readonly all: TestClient[] = [];
  constructor(private readonly ts: () => TestServer) {}

  /** Logs in and (unless `available` is false) sends initial presence, so bare-JID messages reach it. */
  async login(local: string, resource: string, available = true): Promise<TestClient> {
    const c = await TestClient.login(this.ts(), local, "pw", { resource });
    this.all.push(c);
    if (available) c.send("<presence/>");
    return c;
  }

  async disconnectAll(): Promise<void> {
    await Promise.all(this.all.splice(0).map((c) => c.disconnect()));
  }
}

let seq = 0;
/** A fresh account name per test, so archives never leak between tests. */
export async function freshUser(ts: TestServer, base: string): Promise<string> {
  const local = `${base}${++seq}`;
  await ts.addUser(local, "pw");
  return local;
}

export interface QueryOptions {
  queryid?: string;
  to?: string;
  /** Form fields: one value, or several (ids). */
  fields?: Record<string, string | string[]>;
  /** Raw RSM <set/> children, e.g. "<max>2</max><before/>". */
  rsm?: string;
  /** Raw extra children of <query/>, e.g. "<flip-page/>". */
  extra?: string;
}

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/'/g, "&apos;");
}

export function queryXml(o: QueryOptions): string {
  const fields = Object.entries(o.fields ?? {})
    .map(([name, v]) => `<field var='${name}'>${(Array.isArray(v) ? v : [v]).map((x) => `<value>${escape(x)}</value>`).join("")}</field>`)
    .join("");
  const form = o.fields ? `<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>${MAM}</value></field>${fields}</x>` : "";
  const rsm = o.rsm === undefined ? "" : `<set xmlns='${RSM}'>${o.rsm}</set>`;
  const qid = o.queryid === undefined ? "" : ` queryid='${o.queryid}'`;
  const to = o.to === undefined ? "" : ` to='${o.to}'`;
  return `<iq type='set'${to}><query xmlns='${MAM}'${qid}>${form}${rsm}${o.extra ?? ""}</query></iq>`;
}

export interface QueryAnswer {
  iq: Element;
  /** The <result/> messages for this queryid that arrived before the IQ reply, in order. */
  results: Element[];
  fin?: Element;
}

/** Runs a query and collects its results (which the server sends before the IQ result). */
export async function query(c: TestClient, o: QueryOptions = {}): Promise<QueryAnswer> {
  const queryid = o.queryid ?? `q${++seq}`;
  const iq = await c.iq(queryXml({ ...o, queryid }));
  const results: Element[] = [];
  for (let i = 0; i < c.seen.length; ) {
    const e = c.seen[i];
    if (e.name === "message" && e.getChild("result", MAM)?.attrs.queryid === queryid) results.push(...c.seen.splice(i, 1));
    else i++;
  }
  return { iq, results, fin: iq.getChild("fin", MAM) };
}

export const resultId = (m: Element) => m.getChild("result", MAM)!.attrs.id as string;
export const forwarded = (m: Element) => m.getChild("result", MAM)!.getChild("forwarded", FORWARD)!.getChild("message")!;
export const resultBodies = (a: QueryAnswer) => a.results.map((m) => forwarded(m).getChildText("body"));
export const rsmSet = (a: QueryAnswer) => a.fin!.getChild("set", RSM)!;
export const rsmText = (a: QueryAnswer, name: string) => rsmSet(a).getChildText(name);
/** The stanza-ids on a message, as [by, id] pairs. */
export const stanzaIds = (m: Element) => m.getChildren("stanza-id", SID).map((s) => [s.attrs.by as string, s.attrs.id as string]);

export const isBody = (body: string) => (e: Element) => e.name === "message" && e.getChildText("body") === body;

export function chat(to: string, body: string, extra = "", type = "chat"): string {
  return `<message to='${to}' type='${type}'><body>${escape(body)}</body>${extra}</message>`;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
