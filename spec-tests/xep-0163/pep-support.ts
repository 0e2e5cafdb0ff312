/**
 * Helpers for the PEP behaviour tests: clients that announce entity capabilities (with a real
 * XEP-0115 hash) and answer the server's disco#info queries about them, pubsub request builders,
 * and accounts brought into a mutual presence subscription.
 */
import type { Element } from "ltx";
import { parse } from "ltx";
import { capsVer } from "../../modules/pep/caps-hash";
import type { TestServer } from "../support/harness";
import { fresh, TestClient } from "../rfc6121/roster-support";
import { enterState } from "../rfc6121/subscription-support";

export const PUBSUB = "http://jabber.org/protocol/pubsub";
export const OWNER = "http://jabber.org/protocol/pubsub#owner";
export const EVENT = "http://jabber.org/protocol/pubsub#event";
export const ERRORS = "http://jabber.org/protocol/pubsub#errors";
export const DISCO_INFO = "http://jabber.org/protocol/disco#info";
export const STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";
export const TUNE = "http://jabber.org/protocol/tune";
export const NICK = "http://jabber.org/protocol/nick";
export const CAPS_NODE = "https://xmppd.test/client";

export interface Caps {
  ver: string;
  /** The disco#info <query/> children the client answers with. */
  inner: string;
  /** The <c/> element for presence. */
  element: string;
}

let clients = 0;

/**
 * Caps for a client interested in `notify` (each gets "+notify"). The identity name is unique unless
 * given, so each client's 'ver' is new to the server and the server has to ask.
 */
export function makeCaps(notify: string[], name = `pep-test-${process.pid}-${++clients}`): Caps {
  const features = ["http://jabber.org/protocol/caps", DISCO_INFO, ...notify.map((n) => `${n}+notify`)];
  const inner = `<identity category='client' type='pc' name='${name}'/>` + features.map((f) => `<feature var='${f}'/>`).join("");
  const ver = capsVer(parse(`<query xmlns='${DISCO_INFO}'>${inner}</query>`));
  return { ver, inner, element: `<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='${CAPS_NODE}' ver='${ver}'/>` };
}

export function isDiscoQuery(e: Element): boolean {
  return e.name === "iq" && e.attrs.type === "get" && !!e.getChild("query", DISCO_INFO);
}

/** Answers every disco#info query the client gets with `inner` (or what `answer` gives), until it disconnects. */
export class DiscoServer {
  answered = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(
    private readonly client: TestClient,
    private readonly answer: (q: Element) => string,
  ) {
    void this.loop();
  }

  private async loop(): Promise<void> {
    for (;;) {
      let q: Element;
      try {
        q = await this.client.waitFor(isDiscoQuery, "a disco#info query", 3_600_000);
      } catch {
        return;
      }
      const node = q.getChild("query", DISCO_INFO)!.attrs.node as string | undefined;
      this.client.send(`<iq type='result' id='${q.attrs.id}' to='${q.attrs.from}'><query xmlns='${DISCO_INFO}'${node ? ` node='${node}'` : ""}>${this.answer(q)}</query></iq>`);
      this.answered++;
      for (const w of this.waiters.splice(0)) w();
    }
  }

  /** Resolves once `n` queries in all were answered, then lets the server act on the answer. */
  async waitAnswered(n = 1, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.answered < n) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`only ${this.answered} of ${n} disco#info queries arrived`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => (clearTimeout(t), resolve()));
      });
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface PepClient {
  c: TestClient;
  local: string;
  caps?: Caps;
  disco: DiscoServer;
}

export interface LoginOptions {
  /** Nodes the client's caps ask notifications for; without it (and without `caps`) no caps at all. */
  notify?: string[];
  /** Caps to announce instead of ones made from `notify`. */
  caps?: Caps;
  /** What the client answers disco#info with, when not what its caps say (a client that lies). */
  answer?: string;
  resource?: string;
  /** Whether the account's own service will ask (false when the 'ver' is already known). */
  expectQuery?: boolean;
  priority?: number;
}

/** A fresh account, logged in and available (see pepLogin). */
export async function pepUser(ts: TestServer, prefix: string, notify?: string[], opts: LoginOptions = {}): Promise<PepClient> {
  const local = fresh(prefix);
  await ts.addUser(local, "pw");
  return pepLogin(ts, local, { notify, ...opts });
}

/** Logs in, fetches the roster, answers disco#info queries, and sends initial presence with caps. */
export async function pepLogin(ts: TestServer, local: string, opts: LoginOptions = {}): Promise<PepClient> {
  const c = await TestClient.login(ts, local, "pw", opts.resource);
  await c.rosterGet();
  const caps = opts.caps ?? (opts.notify ? makeCaps(opts.notify) : undefined);
  const disco = new DiscoServer(c, () => opts.answer ?? caps?.inner ?? "");
  const priority = opts.priority !== undefined ? `<priority>${opts.priority}</priority>` : "";
  await c.available(priority + (caps?.element ?? ""));
  // The account's own service asks first; after that a verified 'ver' is known to the server.
  if (caps && opts.expectQuery !== false) await disco.waitAnswered(1);
  else await settle(50);
  return { c, local, caps, disco };
}

/** Mutual presence subscription ('both'); the owner's service learns the contact's caps from its presence. */
export async function befriend(owner: PepClient, contact: PepClient): Promise<void> {
  await enterState(owner.c, contact.c, "Both");
  await settle(100);
  owner.c.clear();
  contact.c.clear();
}

export function pubsub(inner: string, ns = PUBSUB): string {
  return `<pubsub xmlns='${ns}'>${inner}</pubsub>`;
}

export function form(formType: string, fields: Record<string, string | string[]>, type = "submit"): string {
  const f = Object.entries(fields)
    .map(([k, v]) => `<field var='${k}'>${(Array.isArray(v) ? v : [v]).map((x) => `<value>${x}</value>`).join("")}</field>`)
    .join("");
  return `<x xmlns='jabber:x:data' type='${type}'><field var='FORM_TYPE' type='hidden'><value>${formType}</value></field>${f}</x>`;
}

export function publishIq(node: string, payload: string, opts: { id?: string; options?: Record<string, string> } = {}): string {
  const item = `<item${opts.id ? ` id='${opts.id}'` : ""}>${payload}</item>`;
  const po = opts.options ? `<publish-options>${form("http://jabber.org/protocol/pubsub#publish-options", opts.options)}</publish-options>` : "";
  return pubsub(`<publish node='${node}'>${item}</publish>${po}`);
}

export function tune(title: string): string {
  return `<tune xmlns='${TUNE}'><title>${title}</title></tune>`;
}

export function nick(name: string): string {
  return `<nick xmlns='${NICK}'>${name}</nick>`;
}

/** The first stanza error condition and the pubsub-specific one, e.g. ["conflict", "precondition-not-met"]. */
export function errorOf(reply: Element): [string | undefined, string | undefined] {
  const error = reply.getChild("error");
  const kids = (error?.children ?? []).filter((c): c is Element => typeof c !== "string");
  return [kids.find((k) => k.attrs.xmlns === STANZAS && k.name !== "text")?.name, kids.find((k) => k.attrs.xmlns === ERRORS)?.name];
}

export function expectResult(reply: Element): Element {
  if (reply.attrs.type !== "result") throw new Error(`expected a result, got ${reply.toString()}`);
  return reply;
}

/** A notification for `node` from `owner` (an <items/>, or <delete/>/<purge/> when `kind` says so). */
export function isEvent(owner: string, node: string, kind: "items" | "delete" | "purge" = "items"): (e: Element) => boolean {
  return (e) => e.name === "message" && e.attrs.from === owner && e.getChild("event", EVENT)?.getChild(kind)?.attrs.node === node;
}

export function eventItems(e: Element): Element[] {
  return e.getChild("event", EVENT)!.getChild("items")!.getChildren("item");
}

/** The value of a field in the node configuration form of a configure result. */
export function configValue(reply: Element, field: string): string | undefined {
  const x = reply.getChild("pubsub", OWNER)?.getChild("configure")?.getChild("x", "jabber:x:data");
  return x?.getChildren("field").find((f) => f.attrs.var === field)?.getChildText("value") ?? undefined;
}

export async function settle(ms = 100): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}
