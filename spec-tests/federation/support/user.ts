/**
 * A logged-in user of one of the federating servers: sends raw XML, and waits for the stanza a
 * test cares about while keeping the others for later expectations.
 */
import type { Element } from "ltx";
import { XmppClient } from "../../runner/client";

export const TIMEOUT = 8000;
export const STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";

const log = (line: string) => {
  if (process.env.XMPPD_TEST_LOG) process.stderr.write(line + "\n");
};

export function errorCondition(stanza: Element): string | undefined {
  const error = stanza.getChild("error");
  return error?.children.find((c): c is Element => typeof c !== "string" && c.attrs.xmlns === STANZAS)?.name;
}

export class FedUser {
  readonly seen: Element[] = [];
  closed = false;
  private nextId = 0;

  private constructor(
    private readonly client: XmppClient,
    readonly jid: string,
  ) {}

  static async login(jid: string, password: string, host: string, port: number): Promise<FedUser> {
    const client = new XmppClient({ jid, password, host, port, timeoutMs: TIMEOUT, log });
    await client.connect();
    return new FedUser(client, client.fullJid!);
  }

  get bare(): string {
    return this.jid.split("/")[0];
  }

  send(xml: string): void {
    this.client.send(xml);
  }

  async iq(xml: string, timeoutMs = TIMEOUT): Promise<Element> {
    const id = `f${++this.nextId}`;
    this.send(xml.replace(/^<iq\b/, `<iq id='${id}'`));
    return this.expect((e) => e.name === "iq" && e.attrs.id === id && (e.attrs.type === "result" || e.attrs.type === "error"), `the reply to IQ ${id}`, timeoutMs);
  }

  async expect(match: (e: Element) => boolean, what: string, timeoutMs = TIMEOUT): Promise<Element> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.seen.findIndex(match);
      if (i >= 0) return this.seen.splice(i, 1)[0];
      if (this.closed) throw new Error(`${this.jid}: stream closed while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.jid}: timed out waiting for ${what}; unmatched: ${this.seen.map(String).join(" | ") || "nothing"}`);
      await this.pull(left);
    }
  }

  async expectNone(match: (e: Element) => boolean, what: string, ms = 500): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      if (this.seen.some(match)) throw new Error(`${this.jid}: unexpectedly received ${what}: ${this.seen.find(match)!.toString()}`);
      const left = deadline - Date.now();
      if (left <= 0 || this.closed) return;
      await this.pull(left);
    }
  }

  async disconnect(): Promise<void> {
    if (!this.closed) await this.client.disconnect(1000);
    this.closed = true;
  }

  private async pull(timeoutMs: number): Promise<void> {
    let item;
    try {
      item = await this.client.next(timeoutMs);
    } catch {
      return;
    }
    if (item.kind === "element") this.seen.push(item.el);
    else if (item.kind === "closed" || item.kind === "end") this.closed = true;
  }
}

export const isMessage = (from: string, body: string) => (e: Element) =>
  e.name === "message" && e.attrs.type !== "error" && e.attrs.from === from && e.getChildText("body") === body;

export const isError = (name: string, id: string) => (e: Element) => e.name === name && e.attrs.type === "error" && e.attrs.id === id;
