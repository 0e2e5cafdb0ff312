/**
 * One TCP (optionally TLS) connection carrying an XML stream, turned into an ordered inbox of events.
 * Shared by the [Client] and [Raw] characters; it knows nothing about XMPP negotiation.
 */
import * as net from "net";
import * as tls from "tls";
import { Element } from "ltx";
import { XmlStreamParser, StreamHeader } from "./xml-parser";
import { Inbox } from "./inbox";

export type StreamHeaderInfo = StreamHeader;

export type Inbound =
  | { kind: "header"; header: StreamHeaderInfo; el: Element }
  | { kind: "element"; el: Element }
  | { kind: "end" }
  | { kind: "parse-error"; text: string }
  | { kind: "closed"; reason?: string };

export interface ConnectOptions {
  host: string;
  port: number;
  /** TLS from the first byte (XEP-0368); otherwise plain TCP, upgradable with startTls(). */
  directTls?: boolean;
  /** SNI and the name the server's certificate would be checked against (it is not: tests use self-signed). */
  servername: string;
  timeoutMs: number;
  log: (line: string) => void;
}

export class XmlConnection {
  readonly inbox = new Inbox<Inbound>();
  closed = false;
  private socket!: net.Socket;
  private readonly parser: XmlStreamParser;
  private readonly onData = (d: Buffer) => this.parser.write(d);
  private readonly onClose = () => this.markClosed();
  private readonly onError = (e: Error) => this.markClosed(e.message);
  private closeReason?: string;
  private readonly closeWaiters: Array<() => void> = [];

  private constructor(private readonly opts: ConnectOptions) {
    this.parser = new XmlStreamParser({
      streamStart: (header) => {
        this.opts.log(`← <stream:${header.name} ${Object.entries(header.attrs).map(([k, v]) => `${k}='${v}'`).join(" ")}>`);
        this.inbox.push({ kind: "header", header, el: new Element(header.name, { xmlns: header.ns, ...header.attrs }) });
      },
      element: (el) => {
        this.opts.log(`← ${el.toString()}`);
        this.inbox.push({ kind: "element", el });
      },
      streamEnd: () => {
        this.opts.log("← </stream:stream>");
        this.inbox.push({ kind: "end" });
      },
      error: (e) => {
        this.opts.log(`← (unparsable: ${e.condition} ${e.text})`);
        this.inbox.push({ kind: "parse-error", text: `${e.condition}: ${e.text}` });
      },
    });
  }

  static async open(opts: ConnectOptions): Promise<XmlConnection> {
    const c = new XmlConnection(opts);
    const sock = opts.directTls
      ? tls.connect({ host: opts.host, port: opts.port, servername: opts.servername, rejectUnauthorized: false, ALPNProtocols: ["xmpp-client"] })
      : net.connect({ host: opts.host, port: opts.port });
    try {
      await withTimeout<void>(opts.timeoutMs, `connecting to ${opts.host}:${opts.port}`, (ok, fail) => {
        sock.once(opts.directTls ? "secureConnect" : "connect", () => ok());
        sock.once("error", fail);
      });
    } catch (e) {
      sock.destroy();
      throw e;
    }
    c.attach(sock);
    opts.log(`connected to ${opts.host}:${opts.port}${opts.directTls ? " (direct TLS)" : ""}`);
    return c;
  }

  get tls(): tls.TLSSocket | undefined {
    return this.socket instanceof tls.TLSSocket ? this.socket : undefined;
  }

  send(text: string): void {
    if (this.closed) throw new Error(`cannot send, the connection is closed${this.closeReason ? ` (${this.closeReason})` : ""}`);
    this.opts.log(`→ ${text}`);
    this.socket.write(text);
  }

  /** The server must already have said <proceed/>; the parser restarts because a new stream follows. */
  async startTls(): Promise<void> {
    const plain = this.socket;
    this.detach(plain);
    // The TLS socket reports failures now; an unlistened 'error' on the plain one would crash the process.
    plain.on("error", () => undefined);
    const secure = tls.connect({ socket: plain, servername: this.opts.servername, rejectUnauthorized: false });
    try {
      await withTimeout<void>(this.opts.timeoutMs, "TLS handshake", (ok, fail) => {
        secure.once("secureConnect", () => ok());
        secure.once("error", fail);
      });
    } catch (e) {
      secure.destroy();
      this.markClosed((e as Error).message);
      throw e;
    }
    this.parser.reset();
    this.attach(secure);
    this.opts.log(`TLS established (${secure.getProtocol()})`);
  }

  /** For stream restarts: the next bytes from the server begin a new document. */
  resetParser(): void {
    this.parser.reset();
  }

  /** Resolves true once the server has closed the connection, false on timeout. */
  waitClosed(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), ms);
      this.closeWaiters.push(() => {
        clearTimeout(t);
        resolve(true);
      });
    });
  }

  /** Half-closes, lets the server finish for up to `graceMs`, then tears down. */
  async close(graceMs = 1000): Promise<void> {
    if (!this.closed) {
      this.socket.end();
      if (!(await this.waitClosed(graceMs))) this.socket.destroy();
    }
    this.socket.destroy();
  }

  private attach(s: net.Socket): void {
    this.socket = s;
    s.on("data", this.onData);
    s.on("close", this.onClose);
    s.on("error", this.onError);
  }

  private detach(s: net.Socket): void {
    s.off("data", this.onData);
    s.off("close", this.onClose);
    s.off("error", this.onError);
  }

  private markClosed(reason?: string): void {
    if (reason && !this.closeReason) this.closeReason = reason;
    if (this.closed) return;
    this.closed = true;
    this.opts.log(`connection closed${reason ? ` (${reason})` : ""}`);
    this.inbox.push({ kind: "closed", reason });
    for (const w of this.closeWaiters.splice(0)) w();
  }
}

function withTimeout<T>(ms: number, what: string, start: (ok: (v: T) => void, fail: (e: Error) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
    start(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(new Error(`${what}: ${e.message}`));
      },
    );
  });
}
