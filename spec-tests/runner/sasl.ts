/**
 * Client side of SASL negotiation for the runner (RFC 6120 §6): mechanism choice, SCRAM (RFC 5802, 7677;
 * -PLUS binding to tls-exporter RFC 9266, tls-server-end-point or tls-unique RFC 5929, chosen from the
 * XEP-0440 list when the server sends one) and PLAIN (RFC 4616).
 */
import type { Element } from "ltx";
import { plainClientResponse, ScramClient } from "../../lib/sasl/scram-client";
import { channelBindingData } from "../../lib/tls/channel-binding";
import type { XmlConnection } from "./connection";
import { nextElement } from "./expect";

const SASL_NS = "urn:ietf:params:xml:ns:xmpp-sasl";
const SASL_CB_NS = "urn:xmpp:sasl-cb:0";

/** Strongest first; -PLUS only when a script asks for it, so default logins look like ordinary clients. */
const DEFAULT_PREFERENCE = ["SCRAM-SHA-512", "SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"];

export interface SaslLogin {
  username: string;
  password: string;
  /** A specific mechanism from the script's `sasl:` key. */
  mechanism?: string;
}

export function offeredMechanisms(features: Element): string[] {
  const mechs = features.getChild("mechanisms", SASL_NS);
  return mechs ? mechs.getChildren("mechanism").map((m) => m.getText().trim()) : [];
}

export function chooseMechanism(offered: string[], wanted?: string): string {
  if (wanted) {
    if (!offered.includes(wanted)) throw new Error(`the server does not offer SASL ${wanted} (offers: ${offered.join(", ") || "none"})`);
    return wanted;
  }
  const m = DEFAULT_PREFERENCE.find((p) => offered.includes(p));
  if (!m) throw new Error(`no usable SASL mechanism (offers: ${offered.join(", ") || "none"})`);
  return m;
}

export async function authenticate(conn: XmlConnection, features: Element, login: SaslLogin, timeoutMs: number): Promise<string> {
  const mechanism = chooseMechanism(offeredMechanisms(features), login.mechanism);
  const auth = (payload: Buffer) => `<auth xmlns='${SASL_NS}' mechanism='${mechanism}'>${b64(payload)}</auth>`;
  const outcome = async (what: string) => {
    const el = await nextElement(conn, timeoutMs, what);
    if (el.name === "failure") throw new Error(`SASL ${mechanism} failed: ${describeFailure(el)}`);
    return el;
  };

  if (mechanism === "PLAIN") {
    conn.send(auth(plainClientResponse(login.username, login.password)));
    const el = await outcome("<success/>");
    if (el.name !== "success") throw new Error(`SASL PLAIN: expected <success/>, got ${el.toString()}`);
    return mechanism;
  }

  const m = /^SCRAM-SHA-(1|256|512)(-PLUS)?$/.exec(mechanism)!;
  const cb = m[2] ? channelBinding(conn, features) : undefined;
  const scram = new ScramClient({ hash: `sha${m[1]}` as "sha1" | "sha256" | "sha512", username: login.username, password: login.password, ...cb });
  conn.send(auth(scram.first()));
  const challenge = await outcome("the SCRAM server-first challenge");
  if (challenge.name !== "challenge") throw new Error(`SASL ${mechanism}: expected <challenge/>, got ${challenge.toString()}`);
  conn.send(`<response xmlns='${SASL_NS}'>${b64(await scram.final(unb64(challenge.getText())))}</response>`);
  let done = await outcome("SASL <success/>");
  // RFC 6120 §6.4.6 allows the server-final message as a last challenge instead of success data.
  if (done.name === "challenge") {
    if (!scram.verify(unb64(done.getText()))) throw new Error(`SASL ${mechanism}: server signature did not verify`);
    conn.send(`<response xmlns='${SASL_NS}'/>`);
    done = await outcome("SASL <success/>");
  } else if (done.name === "success" && !scram.verify(unb64(done.getText()))) {
    throw new Error(`SASL ${mechanism}: server signature did not verify`);
  }
  if (done.name !== "success") throw new Error(`SASL ${mechanism}: expected <success/>, got ${done.toString()}`);
  return mechanism;
}

function channelBinding(conn: XmlConnection, features: Element): { cbType: string; cbData: Buffer } {
  const sock = conn.tls;
  if (!sock) throw new Error("a -PLUS mechanism needs TLS");
  const advertised = features
    .getChild("sasl-channel-binding", SASL_CB_NS)
    ?.getChildren("channel-binding")
    .map((c) => String(c.attrs.type));
  // Without XEP-0440 the server's choice is unknown; these are the RFC 5802 / RFC 9266 defaults per version.
  const tls13 = sock.getProtocol() === "TLSv1.3";
  const usable = tls13 ? ["tls-exporter", "tls-server-end-point"] : ["tls-exporter", "tls-server-end-point", "tls-unique"];
  const cbType = advertised ? usable.find((t) => advertised.includes(t)) : tls13 ? "tls-exporter" : "tls-unique";
  if (!cbType) throw new Error(`no channel binding type in common (server: ${advertised!.join(", ")}; ${sock.getProtocol()})`);
  const cbData = channelBindingData(sock, cbType, "client");
  if (!cbData) throw new Error(`cannot compute ${cbType} channel binding data`);
  return { cbType, cbData };
}

function describeFailure(el: Element): string {
  const parts = el.children.filter((c): c is Element => typeof c !== "string");
  const condition = parts.find((c) => c.name !== "text")?.name ?? "no condition";
  const text = parts.find((c) => c.name === "text")?.getText();
  return text ? `${condition} (${text})` : condition;
}

const b64 = (b: Buffer) => (b.length ? b.toString("base64") : "=");
const unb64 = (s: string) => (s.trim() === "=" ? Buffer.alloc(0) : Buffer.from(s.trim(), "base64"));
