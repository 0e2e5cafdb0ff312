/**
 * Helpers for the account-data behaviour tests (XEP-0054, 0049, 0191, 0012, 0077): a logged-in client
 * that waits for the stanza a test cares about while keeping the others, and raw pre-authentication
 * streams for in-band registration.
 */
import type { Element } from "ltx";
import { XmlConnection } from "../runner/connection";
import { XmppClient } from "../runner/client";
import { describeStreamError, nextElement, nextHeader } from "../runner/expect";
import { streamHeader } from "../../lib/xml/serialize";
import type { TestServer } from "./harness";

export const TIMEOUT = 5000;
const log = (line: string) => {
  if (process.env.XMPPD_TEST_LOG) process.stderr.write(line + "\n");
};

export const STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";
export const STREAMS = "urn:ietf:params:xml:ns:xmpp-streams";

/** The defined condition of a stanza error, e.g. "item-not-found". */
export function errorCondition(stanza: Element): string | undefined {
  const error = stanza.getChild("error");
  return error?.children.find((c): c is Element => typeof c !== "string" && c.attrs.xmlns === STANZAS)?.name;
}

export class TestClient {
  readonly seen: Element[] = [];
  /** The stream error condition, once the server closed the stream with one. */
  streamError?: string;
  closed = false;
  private nextId = 0;

  private constructor(
    private readonly client: XmppClient,
    readonly jid: string,
  ) {}

  static async login(ts: TestServer, local: string, password: string, opts: { resource?: string; tls?: "none" } = {}): Promise<TestClient> {
    const client = new XmppClient({
      jid: `${local}@${ts.domain}`,
      password,
      resource: opts.resource,
      host: "127.0.0.1",
      port: ts.c2sPort,
      tls: opts.tls,
      timeoutMs: TIMEOUT,
      log,
    });
    await client.connect();
    return new TestClient(client, client.fullJid!);
  }

  get bare(): string {
    return this.jid.split("/")[0];
  }

  send(xml: string): void {
    this.client.send(xml);
  }

  /** Sends an IQ (its id is filled in) and resolves to the reply with that id. */
  async iq(xml: string): Promise<Element> {
    const id = `t${++this.nextId}`;
    this.send(xml.replace(/^<iq\b/, `<iq id='${id}'`));
    return this.expect((e) => e.name === "iq" && e.attrs.id === id && (e.attrs.type === "result" || e.attrs.type === "error"), `the reply to IQ ${id}`);
  }

  /** The first stanza (already received or arriving within the timeout) that matches; it is consumed. */
  async expect(match: (e: Element) => boolean, what: string, timeoutMs = TIMEOUT): Promise<Element> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.seen.findIndex(match);
      if (i >= 0) return this.seen.splice(i, 1)[0];
      if (this.closed) throw new Error(`stream closed (${this.streamError ?? "no stream error"}) while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; unmatched: ${this.seen.map(String).join(" | ") || "nothing"}`);
      await this.pull(left);
    }
  }

  /** Resolves once `ms` passed without a matching stanza; throws if one arrives. */
  async expectNone(match: (e: Element) => boolean, what: string, ms = 400): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = this.seen.find(match);
      if (hit) throw new Error(`expected no ${what}, got ${hit.toString()}`);
      const left = deadline - Date.now();
      if (left <= 0 || this.closed) return;
      await this.pull(left).catch(() => undefined);
    }
  }

  /** Waits until the server closes the stream; resolves to its stream error condition. */
  async waitClosed(timeoutMs = TIMEOUT): Promise<string | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("the server did not close the stream");
      await this.pull(left).catch(() => undefined);
    }
    return this.streamError;
  }

  async disconnect(): Promise<void> {
    await this.client.disconnect(500);
  }

  private async pull(timeoutMs: number): Promise<void> {
    const ev = await this.client.next(timeoutMs);
    if (ev.kind === "element") {
      if (ev.el.name === "error" && ev.el.attrs.xmlns === "http://etherx.jabber.org/streams") {
        this.streamError = describeStreamError(ev.el).split(" ")[0];
      } else {
        this.seen.push(ev.el);
      }
    } else if (ev.kind === "end" || ev.kind === "closed" || ev.kind === "parse-error") {
      this.closed = true;
    }
  }
}

/** An unauthenticated stream, after STARTTLS unless `plain`; `features` are the latest stream features. */
export class RawStream {
  private constructor(
    readonly conn: XmlConnection,
    public features: Element,
    private readonly domain: string,
  ) {}

  static async open(ts: TestServer, opts: { plain?: boolean } = {}): Promise<RawStream> {
    const conn = await XmlConnection.open({ host: "127.0.0.1", port: ts.c2sPort, servername: ts.domain, timeoutMs: TIMEOUT, log });
    const raw = new RawStream(conn, await RawStream.header(conn, ts.domain), ts.domain);
    if (!opts.plain) await raw.starttls();
    return raw;
  }

  private static async header(conn: XmlConnection, domain: string): Promise<Element> {
    conn.send(streamHeader({ to: domain, version: "1.0", "xml:lang": "en" }, { defaultNs: "jabber:client" }));
    await nextHeader(conn, TIMEOUT);
    return nextElement(conn, TIMEOUT, "<stream:features/>");
  }

  async starttls(): Promise<void> {
    this.conn.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    const proceed = await nextElement(this.conn, TIMEOUT, "<proceed/>");
    if (proceed.name !== "proceed") throw new Error(`STARTTLS refused: ${proceed.toString()}`);
    await this.conn.startTls();
    this.features = await RawStream.header(this.conn, this.domain);
  }

  get offersRegistration(): boolean {
    return !!this.features.getChild("register", "http://jabber.org/features/iq-register");
  }

  async iq(xml: string): Promise<Element> {
    this.conn.send(xml);
    return nextElement(this.conn, TIMEOUT, "the IQ reply");
  }

  async register(username: string, password: string): Promise<Element> {
    return this.iq(`<iq type='set' id='reg'><query xmlns='jabber:iq:register'><username>${username}</username><password>${password}</password></query></iq>`);
  }

  async close(): Promise<void> {
    if (!this.conn.closed) {
      try {
        this.conn.send("</stream:stream>");
      } catch {
        // already closing
      }
    }
    await this.conn.close(500);
  }
}

/** Registers in-band over a fresh TLS stream; resolves to the server's reply. */
export async function registerInBand(ts: TestServer, username: string, password: string): Promise<Element> {
  const raw = await RawStream.open(ts);
  try {
    return await raw.register(username, password);
  } finally {
    await raw.close();
  }
}

/** Whether logging in with these credentials works. */
export async function canLogin(ts: TestServer, local: string, password: string): Promise<boolean> {
  try {
    const c = await TestClient.login(ts, local, password);
    await c.disconnect();
    return true;
  } catch (err) {
    if (/failed: not-authorized/.test(String(err))) return false;
    throw err;
  }
}
