/**
 * A tiny authoritative DNS server over UDP for tests: A, AAAA and SRV answers from a table,
 * NXDOMAIN for unknown names, SERVFAIL on request. Enough for c-ares (node:dns), libunbound
 * (Prosody) and Erlang's inet_res (ejabberd) to find test domains on loopback.
 *
 * References:
 * - RFC 1035 §4.1 (message format), §4.1.4 (name compression: answers point at the question)
 * - RFC 2782 (SRV RDATA), RFC 3596 (AAAA)
 */
import dgram from "node:dgram";
import { isIPv4, isIPv6 } from "node:net";

export type TestRecord =
  | { type: "A"; address: string }
  | { type: "AAAA"; address: string }
  | { type: "SRV"; priority: number; weight: number; port: number; target: string }
  | { type: "SERVFAIL" };

const TYPE_CODES: Record<string, number> = { A: 1, AAAA: 28, SRV: 33 };

export class TestDnsServer {
  private socket: dgram.Socket | undefined;
  private readonly zone = new Map<string, TestRecord[]>();
  /** Every question asked, as "name TYPE", for assertions. */
  readonly queries: string[] = [];
  address = "";
  port = 0;

  constructor(records: Record<string, TestRecord[]> = {}) {
    for (const [name, list] of Object.entries(records)) this.set(name, list);
  }

  set(name: string, records: TestRecord[]): void {
    this.zone.set(normalize(name), records);
  }

  delete(name: string): void {
    this.zone.delete(normalize(name));
  }

  /** "host:port" in the form node:dns setServers() and the `dns_servers` option take. */
  get server(): string {
    return isIPv6(this.address) ? `[${this.address}]:${this.port}` : `${this.address}:${this.port}`;
  }

  async start(address = "127.0.0.1", port = 0): Promise<this> {
    const socket = dgram.createSocket(isIPv6(address) ? "udp6" : "udp4");
    socket.on("message", (msg, rinfo) => {
      const reply = this.answer(msg);
      if (reply) socket.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(port, address, () => {
        socket.removeListener("error", reject);
        resolve();
      });
    });
    this.socket = socket;
    const a = socket.address();
    this.address = a.address;
    this.port = a.port;
    return this;
  }

  async stop(): Promise<void> {
    const s = this.socket;
    this.socket = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private answer(msg: Buffer): Buffer | undefined {
    if (msg.length < 12) return undefined;
    const id = msg.readUInt16BE(0);
    const flags = msg.readUInt16BE(2);
    if (flags & 0x8000 || msg.readUInt16BE(4) !== 1) return undefined;
    const q = readName(msg, 12);
    if (!q || q.end + 4 > msg.length) return undefined;
    const qtype = msg.readUInt16BE(q.end);
    const question = msg.subarray(12, q.end + 4);
    const name = normalize(q.name);
    const typeName = Object.keys(TYPE_CODES).find((k) => TYPE_CODES[k] === qtype) ?? String(qtype);
    this.queries.push(`${name} ${typeName}`);

    const records = this.zone.get(name);
    let rcode = 0;
    const answers: Buffer[] = [];
    if (records === undefined) rcode = 3;
    else if (records.some((r) => r.type === "SERVFAIL")) rcode = 2;
    else for (const r of records) if (r.type !== "SERVFAIL" && TYPE_CODES[r.type] === qtype) answers.push(encodeRecord(r));

    const header = Buffer.alloc(12);
    header.writeUInt16BE(id, 0);
    // QR, opcode copied, AA, RD copied, RA; the rcode.
    header.writeUInt16BE(0x8000 | (flags & 0x7800) | 0x0400 | (flags & 0x0100) | 0x0080 | rcode, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    return Buffer.concat([header, question, ...answers]);
  }
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

function readName(msg: Buffer, offset: number): { name: string; end: number } | undefined {
  const labels: string[] = [];
  let i = offset;
  while (i < msg.length) {
    const len = msg[i];
    if (len === 0) return { name: labels.join("."), end: i + 1 };
    // Questions are never compressed; anything else here is not a query we answer.
    if (len > 63 || i + 1 + len > msg.length) return undefined;
    labels.push(msg.toString("latin1", i + 1, i + 1 + len));
    i += 1 + len;
  }
  return undefined;
}

function encodeName(name: string): Buffer {
  const parts = normalize(name)
    .split(".")
    .filter((l) => l.length > 0)
    .map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, "latin1")]));
  return Buffer.concat([...parts, Buffer.from([0])]);
}

function encodeRecord(r: Exclude<TestRecord, { type: "SERVFAIL" }>): Buffer {
  let rdata: Buffer;
  if (r.type === "A") {
    if (!isIPv4(r.address)) throw new Error(`not an IPv4 address: ${r.address}`);
    rdata = Buffer.from(r.address.split(".").map(Number));
  } else if (r.type === "AAAA") {
    rdata = ipv6Bytes(r.address);
  } else {
    const fixed = Buffer.alloc(6);
    fixed.writeUInt16BE(r.priority, 0);
    fixed.writeUInt16BE(r.weight, 2);
    fixed.writeUInt16BE(r.port, 4);
    rdata = Buffer.concat([fixed, r.target === "." ? Buffer.from([0]) : encodeName(r.target)]);
  }
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0); // pointer to the question's name
  head.writeUInt16BE(TYPE_CODES[r.type], 2);
  head.writeUInt16BE(1, 4); // IN
  head.writeUInt32BE(5, 6); // short TTL: tests change records
  head.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([head, rdata]);
}

function ipv6Bytes(address: string): Buffer {
  if (!isIPv6(address)) throw new Error(`not an IPv6 address: ${address}`);
  const [head, tail] = address.split("::");
  const h = head ? head.split(":") : [];
  const t = tail !== undefined && tail !== "" ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}
