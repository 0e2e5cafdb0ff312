/**
 * The [Client] character: a minimal c2s client that logs in the way an ordinary client would
 * (RFC 6120 §4–7: stream, STARTTLS or direct TLS, SASL, restart, bind; RFC 3921 session if not optional),
 * then hands every inbound top-level element to the script in arrival order.
 */
import { XmlConnection, Inbound } from "./connection";
import { nextElement, nextHeader } from "./expect";
import { authenticate } from "./sasl";
import { escapeText, streamHeader } from "../../lib/xml/serialize";
import { splitJid } from "./vars";

const TLS_NS = "urn:ietf:params:xml:ns:xmpp-tls";
const BIND_NS = "urn:ietf:params:xml:ns:xmpp-bind";
const SESSION_NS = "urn:ietf:params:xml:ns:xmpp-session";

export type TlsMode = "starttls" | "direct" | "none";

export interface ClientOptions {
  /** Bare or full JID, already rewritten for the target's domain. */
  jid: string;
  password: string;
  resource?: string;
  host: string;
  port: number;
  /** Undefined: use STARTTLS when offered. "starttls": insist on it. "none": never. "direct": XEP-0368. */
  tls?: TlsMode;
  sasl?: string;
  timeoutMs: number;
  log: (line: string) => void;
}

export class XmppClient {
  fullJid?: string;
  mechanism?: string;
  private conn?: XmlConnection;

  constructor(private readonly o: ClientOptions) {}

  get connected(): boolean {
    return !!this.conn && !this.conn.closed;
  }

  async connect(): Promise<void> {
    const { local, domain, resource } = splitJid(this.o.jid);
    const t = this.o.timeoutMs;
    const conn = await XmlConnection.open({ host: this.o.host, port: this.o.port, directTls: this.o.tls === "direct", servername: domain, timeoutMs: t, log: this.o.log });
    this.conn = conn;
    try {
      let features = await this.openStream(domain);
      if (!conn.tls && this.o.tls !== "none") {
        if (features.getChild("starttls", TLS_NS)) {
          conn.send(`<starttls xmlns='${TLS_NS}'/>`);
          const answer = await nextElement(conn, t, "<proceed/>");
          if (answer.name !== "proceed") throw new Error(`STARTTLS refused: ${answer.toString()}`);
          await conn.startTls();
          features = await this.openStream(domain);
        } else if (this.o.tls === "starttls") throw new Error("the server does not offer STARTTLS");
      }

      this.mechanism = await authenticate(conn, features, { username: local, password: this.o.password, mechanism: this.o.sasl }, t);
      conn.resetParser();
      features = await this.openStream(domain);

      if (!features.getChild("bind", BIND_NS)) throw new Error(`no resource binding offered after authentication: ${features.toString()}`);
      const wanted = this.o.resource ?? resource;
      conn.send(`<iq type='set' id='scansion-bind'><bind xmlns='${BIND_NS}'>${wanted ? `<resource>${escapeText(wanted)}</resource>` : ""}</bind></iq>`);
      const bound = await nextElement(conn, t, "the bind result");
      const jid = bound.getChild("bind", BIND_NS)?.getChildText("jid");
      if (bound.name !== "iq" || bound.attrs.type !== "result" || !jid) throw new Error(`resource binding failed: ${bound.toString()}`);
      this.fullJid = jid;

      // Legacy session establishment, only when the server still marks it mandatory (RFC 6121 dropped it).
      const session = features.getChild("session", SESSION_NS);
      if (session && !session.getChild("optional")) {
        conn.send(`<iq type='set' id='scansion-session'><session xmlns='${SESSION_NS}'/></iq>`);
        const ok = await nextElement(conn, t, "the session result");
        if (ok.attrs.type !== "result") throw new Error(`session establishment failed: ${ok.toString()}`);
      }
      this.o.log(`logged in as ${jid} (${this.mechanism}${conn.tls ? ", TLS" : ", no TLS"})`);
    } catch (e) {
      await conn.close(0);
      throw e;
    }
  }

  send(xml: string): void {
    this.live().send(xml);
  }

  next(timeoutMs: number): Promise<Inbound> {
    return this.live().inbox.next(timeoutMs);
  }

  quiet(ms: number): Promise<Inbound[]> {
    return this.live().inbox.quiet(ms);
  }

  waitClosed(ms: number): Promise<boolean> {
    return this.live().waitClosed(ms);
  }

  /** Closes our stream and waits (briefly) for the server to close its side, so its clean-up has happened. */
  async disconnect(graceMs = 2000): Promise<void> {
    const conn = this.conn;
    if (!conn) return;
    this.conn = undefined;
    if (!conn.closed) {
      try {
        conn.send("</stream:stream>");
      } catch {
        // Already closing; nothing to say goodbye to.
      }
      await conn.waitClosed(graceMs);
    }
    await conn.close(0);
  }

  private live(): XmlConnection {
    if (!this.conn) throw new Error("not connected");
    return this.conn;
  }

  private async openStream(domain: string) {
    const conn = this.live();
    conn.send(streamHeader({ to: domain, version: "1.0", "xml:lang": "en" }, { defaultNs: "jabber:client" }));
    await nextHeader(conn, this.o.timeoutMs);
    const features = await nextElement(conn, this.o.timeoutMs, "<stream:features/>");
    if (features.name !== "features") throw new Error(`expected <stream:features/>, got ${features.toString()}`);
    return features;
  }
}
