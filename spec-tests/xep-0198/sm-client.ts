/**
 * A hand-driven client stream for stream management tests: authenticates, then binds or resumes,
 * keeps its own inbound stanza count (h), and can vanish without closing its stream.
 *
 * References: XEP-0198 §3 (enable), §4 (h counts stanzas, not nonzas), §5 (resume before bind)
 */
import type { Element } from "ltx";
import { XmlConnection } from "../runner/connection";
import { describeStreamError, nextElement, nextHeader } from "../runner/expect";
import { authenticate } from "../runner/sasl";
import { streamHeader } from "../../lib/xml/serialize";
import type { TestServer } from "../support/harness";

export const NS_SM = "urn:xmpp:sm:3";
export const NS_CSI = "urn:xmpp:csi:0";
export const STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";
export const DELAY = "urn:xmpp:delay";
const STREAM_NS = "http://etherx.jabber.org/streams";
const TIMEOUT = 5000;
const log = (line: string) => {
  if (process.env.XMPPD_TEST_LOG) process.stderr.write(line + "\n");
};

const isStanza = (e: Element) => ["message", "presence", "iq"].includes(e.name) && (e.attrs.xmlns === undefined || e.attrs.xmlns === "jabber:client");

export class SmClient {
  /** Stanzas and nonzas received and not yet taken by expect(). */
  readonly seen: Element[] = [];
  /** Stanzas received since <enabled/> or <resumed/> started the count (mod 2^32 ignored: tests are small). */
  h = 0;
  counting = false;
  /** Answer the server's <r/> with our h. */
  autoAck = true;
  /** Every <r/> the server sent. */
  requests = 0;
  jid?: string;
  streamError?: string;
  /** The stream error element, with any application condition. */
  streamErrorElement?: Element;
  closed = false;

  private constructor(
    readonly conn: XmlConnection,
    public features: Element,
    readonly user: string,
  ) {}

  /** TLS and SASL; the stream is left at the post-authentication features (bind, sm). */
  static async authenticated(ts: TestServer, user: string, password: string): Promise<SmClient> {
    const conn = await XmlConnection.open({ host: "127.0.0.1", port: ts.c2sPort, servername: ts.domain, timeoutMs: TIMEOUT, log });
    let features = await SmClient.open(conn, ts.domain);
    conn.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    const proceed = await nextElement(conn, TIMEOUT, "<proceed/>");
    if (proceed.name !== "proceed") throw new Error(`STARTTLS refused: ${proceed.toString()}`);
    await conn.startTls();
    features = await SmClient.open(conn, ts.domain);
    await authenticate(conn, features, { username: user, password }, TIMEOUT);
    conn.resetParser();
    features = await SmClient.open(conn, ts.domain);
    return new SmClient(conn, features, user);
  }

  /** Logged in and bound, with stream management enabled (resumable unless told otherwise). */
  static async enabled(ts: TestServer, user: string, password: string, opts: { resource?: string; resume?: boolean } = {}): Promise<{ c: SmClient; enabled: Element }> {
    const c = await SmClient.authenticated(ts, user, password);
    await c.bind(opts.resource);
    const enabled = await c.enable(opts.resume ?? true);
    if (enabled.name !== "enabled") throw new Error(`SM not enabled: ${enabled.toString()}`);
    return { c, enabled };
  }

  private static async open(conn: XmlConnection, domain: string): Promise<Element> {
    conn.send(streamHeader({ to: domain, version: "1.0", "xml:lang": "en" }, { defaultNs: "jabber:client" }));
    await nextHeader(conn, TIMEOUT);
    const f = await nextElement(conn, TIMEOUT, "<stream:features/>");
    if (f.name !== "features") throw new Error(`expected features, got ${f.toString()}`);
    return f;
  }

  get smOffered(): boolean {
    return !!this.features.getChild("sm", NS_SM);
  }

  send(xml: string): void {
    this.conn.send(xml);
  }

  async bind(resource?: string): Promise<string> {
    this.send(`<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>${resource ? `<resource>${resource}</resource>` : ""}</bind></iq>`);
    const r = await this.expect((e) => e.name === "iq" && e.attrs.id === "bind", "the bind result");
    const jid = r.getChild("bind")?.getChildText("jid");
    if (r.attrs.type !== "result" || !jid) throw new Error(`bind failed: ${r.toString()}`);
    this.jid = jid;
    return jid;
  }

  /** Sends <enable/>; resolves to <enabled/> or <failed/>. */
  async enable(resume = true, extra = ""): Promise<Element> {
    this.send(`<enable xmlns='${NS_SM}'${resume ? " resume='true'" : ""}${extra}/>`);
    const answer = await this.expectNonza((e) => e.name === "enabled" || e.name === "failed", "<enabled/> or <failed/>");
    if (answer.name === "enabled") {
      this.counting = true;
      this.h = 0;
    }
    return answer;
  }

  /** Sends <resume/>; resolves to <resumed/> or <failed/>. */
  async resume(previd: string, h: number | undefined): Promise<Element> {
    this.send(`<resume xmlns='${NS_SM}' previd='${previd}'${h === undefined ? "" : ` h='${h}'`}/>`);
    const answer = await this.expectNonza((e) => e.name === "resumed" || e.name === "failed", "<resumed/> or <failed/>");
    if (answer.name === "resumed") {
      this.counting = true;
      this.h = h ?? 0;
    }
    return answer;
  }

  /** Sends <r/> and resolves to the server's h. */
  async requestAck(): Promise<number> {
    this.send(`<r xmlns='${NS_SM}'/>`);
    const a = await this.expectNonza((e) => e.name === "a", "<a/>");
    return Number(a.attrs.h);
  }

  /** The first element (already here or arriving in time) that matches; it is consumed. */
  async expect(match: (e: Element) => boolean, what: string, timeoutMs = TIMEOUT): Promise<Element> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.seen.findIndex(match);
      if (i >= 0) return this.seen.splice(i, 1)[0];
      if (this.closed) throw new Error(`stream closed (${this.streamError ?? "no stream error"}) while waiting for ${what}; unmatched: ${this.describeSeen()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; unmatched: ${this.describeSeen()}`);
      await this.pull(left).catch(() => undefined);
    }
  }

  expectNonza(match: (e: Element) => boolean, what: string, timeoutMs = TIMEOUT): Promise<Element> {
    return this.expect((e) => e.attrs.xmlns === NS_SM && match(e), what, timeoutMs);
  }

  /** Everything matching that arrives within `ms` (consumed). */
  async collect(match: (e: Element) => boolean, ms: number): Promise<Element[]> {
    const deadline = Date.now() + ms;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      await this.pull(left).catch(() => undefined);
    }
    const out = this.seen.filter(match);
    for (const e of out) this.seen.splice(this.seen.indexOf(e), 1);
    return out;
  }

  async waitClosed(timeoutMs = TIMEOUT): Promise<string | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("the server did not close the stream");
      await this.pull(left).catch(() => undefined);
    }
    return this.streamError;
  }

  /** The connection goes away without </stream:stream>: an unfinished stream (XEP-0198 §7). */
  async vanish(): Promise<void> {
    await this.conn.close(0);
    this.closed = true;
  }

  /** A clean end: </stream:stream>, then wait for the server's. */
  async close(): Promise<void> {
    if (!this.conn.closed) {
      try {
        this.conn.send("</stream:stream>");
      } catch {
        // already closing
      }
      await this.conn.waitClosed(2000);
    }
    await this.conn.close(0);
    this.closed = true;
  }

  private describeSeen(): string {
    return this.seen.map(String).join(" | ") || "nothing";
  }

  private async pull(timeoutMs: number): Promise<void> {
    const ev = await this.conn.inbox.next(timeoutMs);
    if (ev.kind === "element") {
      const e = ev.el;
      if (e.name === "error" && e.attrs.xmlns === STREAM_NS) {
        this.streamError = describeStreamError(e).split(" ")[0];
        this.streamErrorElement = e;
        return;
      }
      if (e.name === "r" && e.attrs.xmlns === NS_SM) {
        this.requests++;
        if (this.autoAck && !this.conn.closed) this.send(`<a xmlns='${NS_SM}' h='${this.h}'/>`);
        return;
      }
      if (this.counting && isStanza(e)) this.h++;
      this.seen.push(e);
    } else if (ev.kind === "end" || ev.kind === "closed" || ev.kind === "parse-error") {
      this.closed = true;
    }
  }
}

export const bodyOf = (e: Element) => e.getChildText("body");
export const isChat = (e: Element) => e.name === "message" && e.attrs.type === "chat";
export const hasDelay = (e: Element) => !!e.getChild("delay", DELAY);

export function failedCondition(failed: Element): string | undefined {
  return failed.children.find((c): c is Element => typeof c !== "string" && c.attrs.xmlns === STANZAS)?.name;
}

export function errorCondition(stanza: Element): string | undefined {
  return stanza.getChild("error")?.children.find((c): c is Element => typeof c !== "string" && c.attrs.xmlns === STANZAS)?.name;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the server has noticed the lost connection and holds the session without one. */
export async function waitDetached(ts: TestServer, fullJid: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const find = () => ts.server.sessions.all().find((s) => s.jid?.toString() === fullJid);
  while (!find()?.detached) {
    if (Date.now() > deadline) throw new Error(`${fullJid} was not detached (state ${find()?.state ?? "unbound"})`);
    await sleep(20);
  }
}

/** The bound session of a full JID, if any. */
export function boundSession(ts: TestServer, fullJid: string) {
  return ts.server.sessions.all().find((s) => s.jid?.toString() === fullJid);
}
