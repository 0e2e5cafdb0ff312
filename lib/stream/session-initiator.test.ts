/**
 * The initiating side of the stream engine (s2s-out): header first, the peer's id kept, features
 * dispatched as an element event, client STARTTLS, and a fresh header on restart.
 */
import net from "node:net";
import type { Element } from "ltx";
import { parseConfigText, resolveOptions } from "../config/load";
import { CORE_OPTIONS } from "../config/core-options";
import { StreamError } from "../errors";
import { Host } from "../host";
import { silentLogger } from "../log";
import { el } from "../stanza";
import { NS } from "../xml/ns";
import { Session, type LinkPolicy } from "./session";
import { elementEventName, type ElementEvent } from "./types";

function policy(onClosed: () => void): LinkPolicy {
  return {
    kind: "s2s-out",
    contentNs: NS.SERVER,
    streamPrefixes: { db: NS.DIALBACK },
    resolveHost: () => new StreamError("internal-server-error"),
    isReady: () => false,
    route: () => undefined,
    limits: () => ({}),
    onClosed,
  };
}

async function pair(): Promise<{ ours: net.Socket; theirs: net.Socket; close: () => void }> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const accepted = new Promise<net.Socket>((r) => server.once("connection", r));
  const ours = net.connect((server.address() as net.AddressInfo).port, "127.0.0.1");
  const theirs = await accepted;
  return { ours, theirs, close: () => (ours.destroy(), theirs.destroy(), server.close()) };
}

function reader(sock: net.Socket): (pattern: RegExp) => Promise<string> {
  let buf = "";
  sock.on("data", (d) => (buf += d.toString()));
  return async (pattern) => {
    for (let i = 0; i < 200; i++) {
      const m = pattern.exec(buf);
      if (m) {
        buf = buf.slice(m.index + m[0].length);
        return m[0];
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`not seen: ${pattern}; have ${buf}`);
  };
}

describe("Session, initiating side", () => {
  const host = new Host("a.test", resolveOptions(CORE_OPTIONS, parseConfigText("hosts:\n  a.test: {}"), "a.test"));
  const opts = { idleTimeoutMs: 5000, negotiationTimeoutMs: 5000, closeTimeoutMs: 200, directTls: false, initiate: { host, to: "b.test" } };

  it("sends its header first, keeps the peer's stream id and hands <stream:features/> to the modules", async () => {
    const { ours, theirs, close } = await pair();
    const read = reader(theirs);
    const features: Element[] = [];
    const off = host.events.on<ElementEvent>(elementEventName("s2s-out", NS.STREAM, "features"), ({ element }) => {
      features.push(element);
      return true;
    });
    const s = new Session(ours, policy(() => undefined), silentLogger, opts);
    const header = await read(/<stream:stream[^>]*>/);
    expect(header).toContain("from='a.test'");
    expect(header).toContain("to='b.test'");
    expect(header).toContain(`xmlns='${NS.SERVER}'`);
    expect(header).toContain(`xmlns:db='${NS.DIALBACK}'`);
    expect(header).not.toContain(" id=");
    theirs.write(`<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:stream='${NS.STREAM}' from='b.test' to='a.test' id='peer-id-1' version='1.0'><stream:features><dialback xmlns='urn:xmpp:features:dialback'/></stream:features>`);
    for (let i = 0; i < 100 && features.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(s.streamId).toBe("peer-id-1");
    expect(s.peerHeader?.attrs.from).toBe("b.test");
    expect(features[0].getChild("dialback", NS.DIALBACK_FEATURE)).toBeDefined();

    // A restart (after SASL) sends a new header right away and waits for the peer's.
    s.restart();
    expect(await read(/<stream:stream[^>]*>/)).toContain("to='b.test'");
    theirs.write(`<stream:stream xmlns='jabber:server' xmlns:stream='${NS.STREAM}' from='b.test' id='peer-id-2' version='1.0'>`);
    for (let i = 0; i < 100 && s.streamId !== "peer-id-2"; i++) await new Promise((r) => setTimeout(r, 10));
    expect(s.streamId).toBe("peer-id-2");
    off();
    close();
  });

  it("closes with unsupported-feature when no module takes the features, and records why", async () => {
    const { ours, theirs, close } = await pair();
    const read = reader(theirs);
    let closed = false;
    const s = new Session(ours, policy(() => (closed = true)), silentLogger, opts);
    await read(/<stream:stream[^>]*>/);
    theirs.write(`<stream:stream xmlns='jabber:server' xmlns:stream='${NS.STREAM}' id='x' version='1.0'><stream:features/>`);
    expect(await read(/<stream:error>.*?<\/stream:error>/)).toContain("unsupported-feature");
    expect(closed).toBe(true);
    expect(s.closeReason).toMatch(/^unsupported-feature/);
    close();
  });

  it("records the condition of a stream error the peer closes with", async () => {
    const { ours, theirs, close } = await pair();
    const read = reader(theirs);
    const s = new Session(ours, policy(() => undefined), silentLogger, opts);
    await read(/<stream:stream[^>]*>/);
    theirs.write(
      `<stream:stream xmlns='jabber:server' xmlns:stream='${NS.STREAM}' id='x' version='1.0'><stream:error><host-unknown xmlns='${NS.STREAMS_ERR}'/><text xmlns='${NS.STREAMS_ERR}'>no such host</text></stream:error>`,
    );
    await read(/<\/stream:stream>/);
    expect(s.peerErrorCondition).toBe("host-unknown");
    expect(s.closeReason).toBe("peer sent a stream error: host-unknown (no such host)");
    close();
  });

  it("writes stanzas in the link's namespace whatever link they came from", async () => {
    const { ours, theirs, close } = await pair();
    const read = reader(theirs);
    const s = new Session(ours, policy(() => undefined), silentLogger, opts);
    await read(/<stream:stream[^>]*>/);
    s.send(el("message", { xmlns: NS.CLIENT, to: "u@b.test", from: "v@a.test" }, el("body", {}, "hi")));
    const out = await read(/<message[^>]*>/);
    expect(out).toContain(`xmlns='${NS.SERVER}'`);
    expect(out).not.toContain(NS.CLIENT);
    close();
  });
});
