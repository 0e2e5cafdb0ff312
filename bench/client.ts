/**
 * A deliberately small XMPP client for the load generator: raw sockets, TCP_NODELAY, STARTTLS,
 * SCRAM with cached keys, bind, initial presence, in-band registration. No XML parser: it expects
 * a well-behaved server and finds the few elements it needs with regular expressions and indexOf.
 * After login the owner takes the decrypted text stream with setDataHandler() (the hot path).
 */
import net from "node:net";
import tls from "node:tls";
import { ScramExchange, ScramKeyCache, ScramMech } from "./scram";

export interface Target {
  /** Label in reports ("ours", "prosody", "ejabberd"). */
  name: string;
  host: string;
  port: number;
  domain: string;
  /** PEM of the CA that signed the server certificate; without it the certificate is not checked. */
  ca?: string;
}

export interface LoginOptions {
  mech: ScramMech;
  cache: ScramKeyCache;
  resource?: string;
  /** Send initial presence and wait for its echo (default true). */
  presence?: boolean;
  timeoutMs?: number;
}

/** Milliseconds from the start of the attempt to the end of each step. */
export interface LoginSteps {
  tcp: number;
  tls: number;
  auth: number;
  bind: number;
  presence: number;
}

export class XmppError extends Error {}

const FEATURES = /<stream:features\b[^>]*?(?:\/>|>([\s\S]*?)<\/stream:features>)/;
const FAIL = /<stream:error\b[\s\S]*?(?:<\/stream:error>|$)|<failure\b[\s\S]*?(?:<\/failure>|\/>)/;
const IQ_ERROR = /<iq\b[^>]*\btype=["']error["'][\s\S]*?(?:<\/iq>|$)/;
const PROCEED = /<proceed\b[^>]*>/;
const CHALLENGE = /<challenge\b[^>]*>([^<]*)<\/challenge>/;
const SUCCESS = /<success\b[^>]*?(?:\/>|>([^<]*)<\/success>)/;
const BIND_RESULT = /<iq\b[^>]*>[\s\S]*?<jid>([^<]+)<\/jid>[\s\S]*?<\/iq>/;
const SESSION_RESULT = /<iq\b[^>]*\bid=["']sess["'][^>]*?(?:\/>|>[\s\S]*?<\/iq>)/;
const PRESENCE = /<presence\b[^>]*?(?:\/>|>[\s\S]*?<\/presence>)/;
const REG_RESULT = /<iq\b[^>]*\bid=["']reg["'][^>]*?(?:\/>|>[\s\S]*?<\/iq>)/;

export function streamHeader(domain: string): string {
  return `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='${domain}' version='1.0'>`;
}

interface Waiter {
  re: RegExp;
  failOnIqError: boolean;
  resolve: (m: RegExpExecArray) => void;
  reject: (e: Error) => void;
}

export class XmppConn {
  private sock: net.Socket;
  private buf = "";
  private waiter: Waiter | null = null;
  private dataHandler: ((text: string) => void) | null = null;
  private deadline: NodeJS.Timeout | null = null;
  private ended: Error | null = null;
  closed = false;
  jid = "";
  readonly t0 = performance.now();
  steps: LoginSteps = { tcp: NaN, tls: NaN, auth: NaN, bind: NaN, presence: NaN };
  /** Called once when the connection closes (after login too). */
  onClose: ((err: Error | null) => void) | null = null;

  private constructor(private readonly target: Target) {
    this.sock = net.connect({ host: target.host, port: target.port, noDelay: true });
    this.attach(this.sock, false);
  }

  private attach(s: net.Socket, decoded: boolean): void {
    if (decoded) s.setEncoding("utf8");
    s.on("data", (chunk: string | Buffer) => this.onChunk(typeof chunk === "string" ? chunk : chunk.toString("utf8")));
    s.on("error", (e) => this.fail(e));
    s.on("close", () => {
      if (!this.closed) {
        this.closed = true;
        const err = this.ended ?? (this.waiter ? new XmppError(`connection closed by the server; last data: ${this.buf.slice(-300)}`) : null);
        this.fail(err ?? new XmppError("connection closed"));
        this.onClose?.(this.ended);
      }
    });
  }

  private onChunk(text: string): void {
    if (this.dataHandler) {
      this.dataHandler(text);
      return;
    }
    this.buf += text;
    this.check();
  }

  private check(): void {
    const w = this.waiter;
    if (!w) return;
    const m = w.re.exec(this.buf);
    if (m) {
      this.buf = this.buf.slice(m.index + m[0].length);
      this.waiter = null;
      w.resolve(m);
      return;
    }
    const f = FAIL.exec(this.buf) ?? (w.failOnIqError ? IQ_ERROR.exec(this.buf) : null);
    if (f) {
      this.waiter = null;
      w.reject(new XmppError(`${this.target.name}: ${f[0].slice(0, 400)}`));
    }
  }

  private fail(e: Error): void {
    if (!this.ended) this.ended = e;
    const w = this.waiter;
    if (w) {
      this.waiter = null;
      w.reject(e);
    }
  }

  waitFor(re: RegExp, failOnIqError = true): Promise<RegExpExecArray> {
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => {
      this.waiter = { re, failOnIqError, resolve, reject };
      this.check();
    });
  }

  write(s: string): void {
    this.sock.write(s);
  }

  /** Hands the decrypted stream to fn from now on (with whatever arrived unread so far). */
  setDataHandler(fn: (text: string) => void): void {
    this.dataHandler = fn;
    const rest = this.buf;
    this.buf = "";
    if (rest) fn(rest);
  }

  private armTimeout(ms: number): void {
    this.deadline = setTimeout(() => {
      this.fail(new XmppError(`${this.target.name}: timed out after ${ms} ms; last data: ${this.buf.slice(-300)}`));
      this.destroy();
    }, ms);
  }

  private disarm(): void {
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = null;
  }

  private async connected(): Promise<void> {
    if (this.sock.readyState === "open") return;
    await new Promise<void>((resolve, reject) => {
      this.sock.once("connect", resolve);
      this.sock.once("error", reject);
    });
  }

  /** Stream header, features, STARTTLS, TLS handshake, features again. Returns the features text. */
  private async secure(): Promise<string> {
    await this.connected();
    this.steps.tcp = performance.now() - this.t0;
    const domain = this.target.domain;
    this.write(streamHeader(domain));
    const f1 = await this.waitFor(FEATURES);
    if (!/<starttls\b/.test(f1[1] ?? "")) throw new XmppError(`${this.target.name}: no STARTTLS offered`);
    this.write("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    await this.waitFor(PROCEED);
    const raw = this.sock;
    raw.removeAllListeners("data");
    raw.removeAllListeners("close");
    raw.removeAllListeners("error");
    this.buf = "";
    const ca = this.target.ca;
    const secure = tls.connect({ socket: raw, servername: domain, ca, rejectUnauthorized: ca !== undefined, minVersion: "TLSv1.2" });
    this.sock = secure;
    this.attach(secure, true);
    await new Promise<void>((resolve, reject) => {
      secure.once("secureConnect", resolve);
      secure.once("error", reject);
    });
    this.steps.tls = performance.now() - this.t0;
    this.write(streamHeader(domain));
    const f2 = await this.waitFor(FEATURES);
    return f2[1] ?? "";
  }

  /** Logs in: connect, STARTTLS, SCRAM, bind, initial presence (and its echo). */
  static async login(target: Target, user: string, password: string, o: LoginOptions): Promise<XmppConn> {
    const c = new XmppConn(target);
    c.armTimeout(o.timeoutMs ?? 30_000);
    try {
      const features = await c.secure();
      const mechs = [...features.matchAll(/<mechanism>([^<]+)<\/mechanism>/g)].map((m) => m[1]!).sort();
      if (!mechs.includes(o.mech)) throw new MechanismNotOffered(`${target.name} does not offer ${o.mech} (offers ${mechs.join(" ")})`);
      const scram = new ScramExchange(o.mech, user, password, o.cache);
      c.write(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='${o.mech}'>${scram.first()}</auth>`);
      const ch = await c.waitFor(CHALLENGE);
      c.write(`<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>${await scram.final(ch[1]!)}</response>`);
      const ok = await c.waitFor(SUCCESS);
      if (!scram.verify(ok[1] ?? "")) throw new XmppError(`${target.name}: server signature did not verify`);
      c.steps.auth = performance.now() - c.t0;
      c.write(streamHeader(target.domain));
      const f3 = (await c.waitFor(FEATURES))[1] ?? "";
      const resource = o.resource ?? `b${Math.random().toString(36).slice(2, 10)}`;
      c.write(`<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>${resource}</resource></bind></iq>`);
      c.jid = (await c.waitFor(BIND_RESULT))[1]!;
      // RFC 3921 sessions: only when the server still requires one (no <optional/>).
      if (/<session\b[^>]*xmpp-session["']\s*\/>/.test(f3)) {
        c.write("<iq type='set' id='sess'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>");
        await c.waitFor(SESSION_RESULT);
      }
      c.steps.bind = performance.now() - c.t0;
      if (o.presence !== false) {
        c.write("<presence/>");
        await c.waitFor(PRESENCE);
      }
      c.steps.presence = performance.now() - c.t0;
      c.disarm();
      return c;
    } catch (e) {
      c.disarm();
      c.destroy();
      throw e;
    }
  }

  /**
   * In-band registration (XEP-0077) over TLS. Resolves "created" or "exists" (409 conflict);
   * anything else rejects.
   */
  static async register(target: Target, user: string, password: string, timeoutMs = 30_000): Promise<"created" | "exists"> {
    const c = new XmppConn(target);
    c.armTimeout(timeoutMs);
    try {
      await c.secure();
      c.write(`<iq type='set' id='reg'><query xmlns='jabber:iq:register'><username>${user}</username><password>${password}</password></query></iq>`);
      const r = (await c.waitFor(REG_RESULT, false))[0];
      c.disarm();
      void c.close();
      if (/\btype=["']result["']/.test(r)) return "created";
      if (/<conflict\b/.test(r)) return "exists";
      throw new XmppError(`${target.name}: registration of ${user} refused: ${r.slice(0, 400)}`);
    } catch (e) {
      c.disarm();
      c.destroy();
      throw e;
    }
  }

  /** Closes the stream politely; resolves when the socket is closed (or after timeoutMs, destroying it). */
  close(timeoutMs = 5000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.destroy();
        resolve();
      }, timeoutMs);
      this.sock.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      this.dataHandler = () => undefined;
      this.ended = this.ended ?? new XmppError("closed by us");
      try {
        this.sock.end("</stream:stream>");
      } catch {
        this.destroy();
      }
    });
  }

  destroy(): void {
    this.sock.destroy();
  }
}

export class MechanismNotOffered extends XmppError {}
