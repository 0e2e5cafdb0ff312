/**
 * The [Raw] character (our extension): a bare connection for stream-level tests that `connects` cannot
 * express — bad headers, refused STARTTLS, SASL failures, oversize stanzas. It sends exactly what the script
 * says and reports every stream event (headers, elements, </stream:stream>, close) to the script in order.
 */
import { Inbound, XmlConnection } from "./connection";

export interface RawOptions {
  host: string;
  port: number;
  directTls: boolean;
  servername: string;
  timeoutMs: number;
  log: (line: string) => void;
}

/** A new stream header from us means the server's reply starts a new document. */
const STREAM_OPEN = /<([\w.-]+:)?stream[\s>]/;

export class RawCharacter {
  private conn?: XmlConnection;

  constructor(private readonly o: RawOptions) {}

  get connected(): boolean {
    return !!this.conn && !this.conn.closed;
  }

  async connect(): Promise<void> {
    this.conn = await XmlConnection.open({ ...this.o, directTls: this.o.directTls });
  }

  sendRaw(text: string): void {
    const conn = this.live();
    if (STREAM_OPEN.test(text)) conn.resetParser();
    conn.send(text);
  }

  async starttls(): Promise<void> {
    await this.live().startTls();
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

  /** Just drops the connection: a raw script says `</stream:stream>` itself when it wants a clean close. */
  async disconnect(): Promise<void> {
    const conn = this.conn;
    this.conn = undefined;
    await conn?.close(500);
  }

  private live(): XmlConnection {
    if (!this.conn) throw new Error("not connected");
    return this.conn;
  }
}
