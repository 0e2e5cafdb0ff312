/**
 * A tiny c2s server for testing the runner itself without a real server: optional STARTTLS and direct TLS,
 * SASL through lib/sasl (SCRAM-*, -PLUS with XEP-0440, PLAIN), bind, routing to full JIDs, self-presence,
 * ping and service-unavailable. Deliberately naive; it is not a reference for anything.
 */
import * as net from "net";
import * as tls from "tls";
import { randomBytes } from "crypto";
import { Element } from "ltx";
import { XmlStreamParser } from "../xml-parser";
import { serialize, streamHeader } from "../../../lib/xml/serialize";
import { createServerMechanism, serverMechanisms } from "../../../lib/sasl/mechanism";
import { deriveScramCredentials, type ScramHash } from "../../../lib/sasl/credentials";
import type { SaslServerContext, SaslServerMechanism } from "../../../lib/sasl/types";
import { channelBindingData, supportedChannelBindings } from "../../../lib/tls/channel-binding";

const SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
const BIND = "urn:ietf:params:xml:ns:xmpp-bind";
const TLS_NS = "urn:ietf:params:xml:ns:xmpp-tls";

export interface FakeServerOptions {
  domain?: string;
  /** Enables STARTTLS on the plain port and a direct-TLS port. */
  tls?: { key: Buffer; cert: Buffer };
}

export interface FakeServer {
  port: number;
  /** Only with options.tls. */
  directTlsPort?: number;
  accounts: Map<string, string>;
  /** SASL mechanism of each successful login, in order. */
  logins: string[];
  /** Sockets still open, to check that the runner cleans up. */
  openConnections(): number;
  close(): Promise<void>;
}

export async function startFakeServer(opts: FakeServerOptions = {}): Promise<FakeServer> {
  const domain = opts.domain ?? "localhost";
  const accounts = new Map<string, string>();
  const logins: string[] = [];
  const sessions = new Map<string, (s: string) => void>();
  const sockets = new Set<net.Socket>();
  let counter = 0;

  const context = (sock: net.Socket): SaslServerContext => {
    const secure = sock instanceof tls.TLSSocket;
    const cbTypes = secure ? supportedChannelBindings(sock) : [];
    return {
      secure,
      cbTypes,
      plusOffered: cbTypes.length > 0,
      channelBinding: (type) => (secure ? channelBindingData(sock, type, "server") : undefined),
      getScramCredentials: async (user: string, hash: ScramHash) => {
        const pw = accounts.get(user);
        return pw === undefined ? undefined : deriveScramCredentials(pw, hash, { iterations: 4096 });
      },
      checkPassword: async (user, password) => accounts.get(user) === password,
      fakeSaltSecret: randomBytes(16),
    };
  };

  function serve(raw: net.Socket): void {
    let sock = raw;
    sockets.add(raw);
    raw.on("close", () => sockets.delete(raw));
    raw.on("error", () => undefined);
    let user: string | undefined;
    let jid: string | undefined;
    let mech: SaslServerMechanism | undefined;
    const send = (s: string) => sock.writable && sock.write(s);
    const onData = (d: Buffer) => parser.write(d);

    const saslStep = async (input: Buffer) => {
      const step = await mech!.step(input);
      if (step.kind === "challenge") send(`<challenge xmlns='${SASL}'>${step.data.toString("base64")}</challenge>`);
      else if (step.kind === "failure") send(`<failure xmlns='${SASL}'><${step.condition}/></failure>`);
      else {
        user = step.username;
        logins.push(mech!.name);
        parser.reset();
        send(`<success xmlns='${SASL}'>${step.data ? step.data.toString("base64") : ""}</success>`);
      }
    };

    const parser: XmlStreamParser = new XmlStreamParser({
      streamStart: (h) => {
        send(streamHeader({ from: domain, id: `s${++counter}`, version: "1.0" }, { defaultNs: "jabber:client" }));
        if (h.attrs.to !== domain) {
          send(`<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>`);
          sock.end();
        } else if (user) send(`<stream:features><bind xmlns='${BIND}'/></stream:features>`);
        else if (opts.tls && !(sock instanceof tls.TLSSocket)) send(`<stream:features><starttls xmlns='${TLS_NS}'><required/></starttls></stream:features>`);
        else {
          const ctx = context(sock);
          const mechs = serverMechanisms(ctx).map((m) => `<mechanism>${m}</mechanism>`).join("");
          const cb = ctx.cbTypes.map((t) => `<channel-binding type='${t}'/>`).join("");
          send(`<stream:features><mechanisms xmlns='${SASL}'>${mechs}</mechanisms><sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'>${cb}</sasl-channel-binding></stream:features>`);
        }
      },
      element: (el) => {
        if (el.name === "starttls" && opts.tls) {
          send(`<proceed xmlns='${TLS_NS}'/>`);
          raw.off("data", onData);
          const secure = new tls.TLSSocket(raw, { isServer: true, key: opts.tls.key, cert: opts.tls.cert });
          secure.on("error", () => undefined);
          secure.once("secure", () => {
            sock = secure;
            parser.reset();
            secure.on("data", onData);
          });
        } else if (el.name === "auth") {
          mech = createServerMechanism(String(el.attrs.mechanism), context(sock));
          if (!mech) send(`<failure xmlns='${SASL}'><invalid-mechanism/></failure>`);
          else void saslStep(b64(el.getText()));
        } else if (el.name === "response" && mech) {
          void saslStep(b64(el.getText()));
        } else if (user && !jid) {
          const resource = el.getChild("bind", BIND)?.getChildText("resource") || `r${++counter}`;
          jid = `${user}@${domain}/${resource}`;
          sessions.set(jid, send);
          send(`<iq type='result' id='${el.attrs.id}'><bind xmlns='${BIND}'><jid>${jid}</jid></bind></iq>`);
        } else if (jid) route(el, jid, send);
      },
      streamEnd: () => {
        send("</stream:stream>");
        sock.end();
      },
      error: () => sock.destroy(),
    });
    raw.on("data", onData);
    raw.on("close", () => jid && sessions.delete(jid));
  }

  function route(el: Element, from: string, reply: (s: string) => void): void {
    const to = el.attrs.to as string | undefined;
    el.attrs.from = from;
    delete el.attrs.xmlns;
    if (el.name === "presence" && !to) {
      reply(serialize(el));
    } else if (to && sessions.has(to)) {
      sessions.get(to)!(serialize(el));
    } else if (el.name === "iq" && (to === domain || !to) && el.attrs.type === "get") {
      const ping = el.getChild("ping", "urn:xmpp:ping");
      reply(
        ping
          ? `<iq type='result' id='${el.attrs.id}' from='${domain}' to='${from}'/>`
          : `<iq type='error' id='${el.attrs.id}' from='${domain}' to='${from}'><error type='cancel'>` +
              `<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`,
      );
    }
  }

  const plain = net.createServer(serve);
  await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
  const direct = opts.tls ? tls.createServer({ key: opts.tls.key, cert: opts.tls.cert }, serve) : undefined;
  if (direct) await new Promise<void>((resolve) => direct.listen(0, "127.0.0.1", resolve));

  return {
    port: (plain.address() as net.AddressInfo).port,
    directTlsPort: direct ? (direct.address() as net.AddressInfo).port : undefined,
    accounts,
    logins,
    openConnections: () => sockets.size,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([plain, direct].map((srv) => srv && new Promise<void>((resolve) => srv.close(() => resolve()))));
    },
  };
}

const b64 = (s: string) => (s.trim() === "=" ? Buffer.alloc(0) : Buffer.from(s.trim(), "base64"));
