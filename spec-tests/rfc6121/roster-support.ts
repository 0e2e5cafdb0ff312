/**
 * A test client for roster, subscription and presence behaviour tests: a real c2s connection
 * (XmppClient: STARTTLS, SCRAM, bind) whose inbound stanzas are kept, so a test can wait for the
 * one it expects whatever else arrives first, and can assert that something did not arrive.
 */
import type { Element } from "ltx";
import { XmppClient } from "../runner/client";
import { XmlConnection } from "../runner/connection";
import { nextElement, nextHeader } from "../runner/expect";
import { authenticate } from "../runner/sasl";
import { streamHeader } from "../../lib/xml/serialize";
import type { TestServer } from "../support/harness";

export const ROSTER = "jabber:iq:roster";
/** How long "nothing arrives" is watched for. The server answers in milliseconds; this is slack. */
export const QUIET_MS = 250;

export type Pred = (e: Element) => boolean;

let ids = 0;

export class TestClient {
  readonly buffer: Element[] = [];
  closed = false;
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly xmpp: XmppClient,
    readonly local: string,
    readonly bare: string,
  ) {}

  get full(): string {
    return this.xmpp.fullJid!;
  }

  static async login(ts: TestServer, local: string, password: string, resource?: string): Promise<TestClient> {
    return TestClient.connect({ host: "127.0.0.1", port: ts.c2sPort, domain: ts.domain }, local, password, resource);
  }

  /** Logs in to any of our servers (a federation peer listens on its own loopback address). */
  static async connect(at: { host: string; port: number; domain: string }, local: string, password: string, resource?: string): Promise<TestClient> {
    const xmpp = new XmppClient({
      jid: `${local}@${at.domain}`,
      password,
      resource,
      host: at.host,
      port: at.port,
      timeoutMs: 5000,
      log: (l) => {
        if (process.env.XMPPD_TEST_LOG) process.stderr.write(`[${local}@${at.domain}] ${l}\n`);
      },
    });
    await xmpp.connect();
    const client = new TestClient(xmpp, local, `${local}@${at.domain}`);
    void client.pump();
    return client;
  }

  send(xml: string): void {
    this.xmpp.send(xml);
  }

  /** Reads everything the server sends into the buffer, for any number of concurrent waits. */
  private async pump(): Promise<void> {
    for (;;) {
      let ev;
      try {
        ev = await this.xmpp.next(3_600_000);
      } catch {
        break;
      }
      if (ev.kind === "element") this.buffer.push(ev.el);
      else if (ev.kind === "closed" || ev.kind === "end") break;
      for (const w of [...this.waiters]) w();
    }
    this.closed = true;
    for (const w of [...this.waiters]) w();
  }

  /** The next inbound stanza matching `pred` (others are kept for later waits). */
  async waitFor(pred: Pred, what: string, timeoutMs = 3000): Promise<Element> {
    const take = () => {
      const i = this.buffer.findIndex(pred);
      return i >= 0 ? this.buffer.splice(i, 1)[0] : undefined;
    };
    const now = take();
    if (now) return now;
    return new Promise<Element>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      const check = () => {
        const got = take();
        if (got) {
          done();
          resolve(got);
        } else if (this.closed) {
          done();
          reject(new Error(`${this.local}: connection closed while waiting for ${what}; kept: ${this.describe()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.local}: no ${what} within ${timeoutMs} ms; kept: ${this.describe()}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Waits `ms` and returns every kept stanza matching `pred` (they stay kept). */
  async collect(pred: Pred, ms = QUIET_MS): Promise<Element[]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.buffer.filter(pred);
  }

  /** Fails when a stanza matching `pred` is kept or arrives within `ms`. */
  async expectNone(pred: Pred, what: string, ms = QUIET_MS): Promise<void> {
    const got = await this.collect(pred, ms);
    if (got.length) throw new Error(`${this.local}: unexpected ${what}: ${got.map((e) => e.toString()).join(" ")}`);
  }

  /** Forgets what was kept (after a set-up whose side traffic does not matter). */
  clear(): void {
    this.buffer.length = 0;
  }

  /** Sends an IQ and waits for its result or error. */
  async iq(type: "get" | "set", payload: string, to?: string): Promise<Element> {
    const id = `t${++ids}`;
    this.send(`<iq type='${type}' id='${id}'${to ? ` to='${to}'` : ""}>${payload}</iq>`);
    return this.waitFor((e) => e.name === "iq" && e.attrs.id === id && (e.attrs.type === "result" || e.attrs.type === "error"), `reply to iq ${id}`);
  }

  async rosterGet(ver?: string): Promise<Element> {
    return this.iq("get", `<query xmlns='${ROSTER}'${ver !== undefined ? ` ver='${ver}'` : ""}/>`);
  }

  /** The roster as a map jid → item, after a get that must succeed. */
  async roster(): Promise<Map<string, Element>> {
    const r = await this.rosterGet();
    if (r.attrs.type !== "result") throw new Error(`roster get failed: ${r.toString()}`);
    const out = new Map<string, Element>();
    for (const item of r.getChild("query", ROSTER)?.getChildren("item") ?? []) out.set(item.attrs.jid, item);
    return out;
  }

  async rosterSet(jid: string, opts: { name?: string; groups?: string[]; remove?: boolean } = {}): Promise<Element> {
    const attrs = `jid='${jid}'${opts.name !== undefined ? ` name='${opts.name}'` : ""}${opts.remove ? " subscription='remove'" : ""}`;
    const groups = (opts.groups ?? []).map((g) => `<group>${g}</group>`).join("");
    return this.iq("set", `<query xmlns='${ROSTER}'><item ${attrs}>${groups}</item></query>`);
  }

  presence(attrs: Record<string, string> = {}, inner = ""): void {
    const a = Object.entries(attrs).map(([k, v]) => ` ${k}='${v}'`).join("");
    this.send(`<presence${a}>${inner}</presence>`);
  }

  /** Sends initial presence and waits for its echo (RFC 6121 §4.2.2). */
  async available(inner = ""): Promise<void> {
    this.presence({}, inner);
    await this.waitFor((e) => e.name === "presence" && e.attrs.from === this.full && e.attrs.type === undefined, "own presence echo");
  }

  /** Closes the stream cleanly. */
  async disconnect(): Promise<void> {
    await this.xmpp.disconnect();
    this.closed = true;
  }

  private describe(): string {
    return this.buffer.length ? this.buffer.map((e) => e.toString()).join(" ") : "(nothing)";
  }
}

export function isPush(jid?: string): Pred {
  return (e) => {
    if (e.name !== "iq" || e.attrs.type !== "set") return false;
    const item = e.getChild("query", ROSTER)?.getChild("item");
    return !!item && (jid === undefined || item.attrs.jid === jid);
  };
}

export function pushedItem(push: Element): Element {
  return push.getChild("query", ROSTER)!.getChild("item")!;
}

export function isPresence(type: string | undefined, from?: string): Pred {
  return (e) => e.name === "presence" && e.attrs.type === type && (from === undefined || e.attrs.from === from);
}

/** The server answers roster pushes' results from the client quietly; tests acknowledge them like a client. */
export function ackPush(client: TestClient, push: Element): void {
  client.send(`<iq type='result' id='${push.attrs.id}'/>`);
}

/** Item attributes as a compact comparable record. */
export function itemState(item: Element | undefined): { subscription?: string; ask?: string; approved?: string } | undefined {
  if (!item) return undefined;
  const out: { subscription?: string; ask?: string; approved?: string } = { subscription: item.attrs.subscription };
  if (item.attrs.ask !== undefined) out.ask = item.attrs.ask;
  if (item.attrs.approved !== undefined) out.approved = item.attrs.approved;
  return out;
}

let counter = 0;
/** A fresh localpart, so tests sharing a server share no state. */
export function fresh(prefix: string): string {
  return `${prefix}-${process.pid}-${++counter}`;
}

/** The stream features offered after authentication (STARTTLS, SASL, restart), then the connection is closed. */
export async function postAuthFeatures(ts: TestServer, local: string, password: string): Promise<Element> {
  const conn = await XmlConnection.open({ host: "127.0.0.1", port: ts.c2sPort, servername: ts.domain, timeoutMs: 5000, log: () => undefined });
  const open = async () => {
    conn.send(streamHeader({ to: ts.domain, version: "1.0", "xml:lang": "en" }, { defaultNs: "jabber:client" }));
    await nextHeader(conn, 5000);
    return nextElement(conn, 5000, "<stream:features/>");
  };
  try {
    await open();
    conn.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    await nextElement(conn, 5000, "<proceed/>");
    await conn.startTls();
    const features = await open();
    await authenticate(conn, features, { username: local, password }, 5000);
    conn.resetParser();
    return await open();
  } finally {
    await conn.close(0);
  }
}
