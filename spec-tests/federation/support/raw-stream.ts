/**
 * Hand-driven XML streams for fault tests: a fake peer server that scripts each accepted
 * connection, and a raw initiating peer that can do STARTTLS with a client certificate. Both speak
 * only as much XMPP as the test writes.
 */
import net from "node:net";
import tls from "node:tls";
import type { Element } from "ltx";
import { XmlStreamParser, type StreamHeader } from "../../../lib/xml/parser";

export type RawEvent = { kind: "header"; header: StreamHeader } | { kind: "element"; el: Element } | { kind: "end" } | { kind: "closed" };

export const HEADER = (from: string, to: string, id?: string) =>
  `<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' xmlns:db='jabber:server:dialback' from='${from}' to='${to}'${id ? ` id='${id}'` : ""} version='1.0'>`;

export class RawStream {
  readonly events: RawEvent[] = [];
  closed = false;
  private waiters: (() => void)[] = [];
  private parser: XmlStreamParser;
  private readonly onData = (d: Buffer) => this.parser.write(d);

  constructor(public socket: net.Socket) {
    this.parser = this.makeParser();
    this.attach(socket);
  }

  private makeParser(): XmlStreamParser {
    return new XmlStreamParser({
      streamStart: (header) => this.push({ kind: "header", header }),
      element: (el) => this.push({ kind: "element", el }),
      streamEnd: () => this.push({ kind: "end" }),
      error: () => this.push({ kind: "closed" }),
    });
  }

  private attach(s: net.Socket): void {
    s.on("data", this.onData);
    s.on("error", () => undefined);
    s.on("close", () => {
      if (s !== this.socket) return;
      this.closed = true;
      this.push({ kind: "closed" });
    });
  }

  private push(e: RawEvent): void {
    this.events.push(e);
    for (const w of this.waiters.splice(0)) w();
  }

  send(xml: string): void {
    if (!this.socket.destroyed) this.socket.write(xml);
  }

  /** The first event (consumed) matching, within the timeout. */
  async next(match: (e: RawEvent) => boolean, what: string, timeoutMs = 5000): Promise<RawEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.events.findIndex(match);
      if (i >= 0) return this.events.splice(i, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`raw stream: timed out waiting for ${what}; have ${this.events.map(describe).join(" | ") || "nothing"}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  header(timeoutMs?: number): Promise<RawEvent> {
    return this.next((e) => e.kind === "header", "a stream header", timeoutMs);
  }

  async element(name: string, timeoutMs?: number): Promise<Element> {
    const e = await this.next((x) => x.kind === "element" && x.el.name === name, `<${name}/>`, timeoutMs);
    return (e as { el: Element }).el;
  }

  /** The condition of the stream error the other side closed with. */
  async streamError(timeoutMs?: number): Promise<string> {
    const err = await this.element("error", timeoutMs);
    const c = err.children.find((x) => typeof x !== "string" && x.name !== "text") as Element | undefined;
    return c?.name ?? "?";
  }

  resetParser(): void {
    this.parser = this.makeParser();
  }

  /** Client-side STARTTLS after <proceed/>, presenting `opts.cert`/`opts.key` if given. */
  async startTlsClient(opts: tls.ConnectionOptions): Promise<void> {
    const plain = this.socket;
    plain.removeListener("data", this.onData);
    const secure = tls.connect({ ...opts, socket: plain, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once("secureConnect", () => resolve());
      secure.once("error", reject);
    });
    this.socket = secure;
    this.resetParser();
    this.attach(secure);
  }

  /** Server-side STARTTLS after we sent <proceed/>, presenting `opts.cert`/`opts.key`. */
  async startTlsServer(opts: tls.TlsOptions): Promise<void> {
    const plain = this.socket;
    plain.removeListener("data", this.onData);
    const secure = new tls.TLSSocket(plain, { ...opts, isServer: true });
    this.socket = secure;
    this.resetParser();
    this.attach(secure);
    await new Promise<void>((resolve, reject) => {
      secure.once("secure", () => resolve());
      secure.once("error", reject);
    });
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function describe(e: RawEvent): string {
  return e.kind === "element" ? e.el.toString() : e.kind === "header" ? `header(${JSON.stringify(e.header.attrs)})` : e.kind;
}

/** A fake server-to-server peer: every accepted connection is handed to `script`. */
export class FakePeer {
  connections = 0;
  readonly streams: RawStream[] = [];
  private server: net.Server | undefined;
  port = 0;

  constructor(
    readonly address: string,
    private readonly script: (s: RawStream, n: number) => void | Promise<void>,
  ) {}

  async start(): Promise<this> {
    this.server = net.createServer((socket) => {
      const s = new RawStream(socket);
      this.streams.push(s);
      void Promise.resolve(this.script(s, ++this.connections)).catch(() => s.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, this.address, () => resolve()));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.streams) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export async function connectRaw(address: string, port: number): Promise<RawStream> {
  const socket = net.connect({ host: address, port });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("error", reject);
  });
  return new RawStream(socket);
}
