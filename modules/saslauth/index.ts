/**
 * SASL authentication for client streams: SCRAM-SHA-1/256/512 (each with -PLUS) and PLAIN over TLS.
 *
 * References:
 * - RFC 6120 §6 (SASL negotiation), §6.4.5 (retries), §6.3.8 (authorization identity)
 * - RFC 5802, RFC 7677 (SCRAM), RFC 4616 (PLAIN), RFC 9266 / RFC 5929 (channel binding)
 * - XEP-0440 (SASL channel-binding type capability)
 */
import type { Element } from "ltx";
import { defineModule } from "../../lib/module-host/define";
import { opt } from "../../lib/config/options";
import { StreamError } from "../../lib/errors";
import { prepLocal } from "../../lib/jid";
import { createServerMechanism, serverMechanisms, SaslCondition, SaslServerMechanism } from "../../lib/sasl/mechanism";
import { decodeSaslBase64, encodeSaslBase64 } from "../../lib/sasl/base64";
import { el, getText } from "../../lib/stanza";
import type { Session } from "../../lib/stream/session";
import { NS } from "../../lib/xml/ns";

/** Advertised channel-binding types, preferred first (XEP-0440). tls-unique is accepted but not advertised (see lib/sasl). */
const CB_TYPES = ["tls-exporter", "tls-server-end-point"];
const STATE = "saslauth";

interface SaslState {
  mech?: SaslServerMechanism;
  failures: number;
}

function state(session: Session): SaslState {
  let s = session.data.get(STATE) as SaslState | undefined;
  if (!s) session.data.set(STATE, (s = { failures: 0 }));
  return s;
}

function offeredFor(session: Session, channelBinding: boolean): { mechanisms: string[]; cbTypes: string[] } {
  const cbTypes = session.secure && channelBinding ? CB_TYPES.filter((t) => session.channelBinding(t) !== undefined) : [];
  return { mechanisms: serverMechanisms({ secure: session.secure, cbTypes }), cbTypes };
}

export default defineModule({
  name: "saslauth",
  summary: "SASL authentication: SCRAM-SHA-1/256/512(-PLUS) and PLAIN over TLS",
  implements: [
    { spec: "RFC 6120 §6", status: "complete" },
    { spec: "RFC 7677", status: "complete" },
    { spec: "XEP-0440", version: "0.4.2", status: "complete" },
  ],
  scope: "host",
  streams: ["c2s"],
  options: {
    sasl_channel_binding: opt.boolean(
      true,
      "Offer SCRAM -PLUS mechanisms with channel binding (turn off behind a TLS-terminating proxy, where the client's TLS session is not ours).",
    ),
  },
  setup(mod) {
    const host = mod.host!;
    const server = mod.server;
    const offered = (session: Session) => offeredFor(session, mod.options.sasl_channel_binding);
    const encryptionRequired = (s: Session) => host.options.c2s_require_encryption && !s.secure;

    mod.streamFeatures.offer(["c2s"], (session) => {
      if (session.username !== undefined || encryptionRequired(session)) return undefined;
      const { mechanisms } = offered(session);
      return el("mechanisms", { xmlns: NS.SASL }, ...mechanisms.map((m) => el("mechanism", {}, m)));
    }, 900);
    mod.streamFeatures.offer(["c2s"], (session) => {
      if (session.username !== undefined || !session.secure) return undefined;
      const { cbTypes } = offered(session);
      if (!cbTypes.length) return undefined;
      return el("sasl-channel-binding", { xmlns: NS.SASL_CB }, ...cbTypes.map((type) => el("channel-binding", { type })));
    }, 890);

    const fail = (session: Session, condition: SaslCondition, text?: string): void => {
      const st = state(session);
      st.mech = undefined;
      st.failures++;
      session.send(el("failure", { xmlns: NS.SASL }, el(condition), text ? el("text", {}, text) : undefined));
      mod.log.info("authentication failed", { session: session.id, condition, address: session.remoteAddress });
      if (st.failures >= host.options.max_auth_failures) {
        session.close(new StreamError("policy-violation", "Too many failed authentication attempts"));
      }
    };

    const succeed = (session: Session, username: string, authzid: string | undefined, data?: Buffer): void => {
      let local: string;
      try {
        local = prepLocal(username);
      } catch {
        return fail(session, "not-authorized");
      }
      // RFC 6120 §6.3.8 / AUTH-02: an authorization identity must be the authenticated account itself.
      if (authzid !== undefined && authzid !== "" && authzid !== `${local}@${host.name}`) {
        let same = false;
        try {
          const parts = authzid.split("@");
          same = parts.length === 2 && prepLocal(parts[0]) === local && parts[1].toLowerCase() === host.name;
        } catch {
          same = false;
        }
        if (!same) return fail(session, "invalid-authzid");
      }
      state(session).mech = undefined;
      session.username = local;
      session.send(el("success", { xmlns: NS.SASL }, data && data.length ? encodeSaslBase64(data) : undefined));
      mod.log.info("authenticated", { session: session.id, user: `${local}@${host.name}` });
      session.restart();
    };

    const step = async (session: Session, mech: SaslServerMechanism, input: Buffer): Promise<void> => {
      const r = await mech.step(input);
      if (session.closed) return;
      if (r.kind === "challenge") session.send(el("challenge", { xmlns: NS.SASL }, encodeSaslBase64(r.data)));
      else if (r.kind === "success") succeed(session, r.username, r.authzid, r.data);
      else fail(session, r.condition, r.text);
    };

    const decode = (session: Session, payload: Element): Buffer | undefined => {
      const data = decodeSaslBase64(getText(payload).trim());
      if (data === undefined) fail(session, "incorrect-encoding");
      return data;
    };

    mod.hookElement(["c2s"], NS.SASL, "auth", ({ session, element }) => {
      if (session.username !== undefined) {
        session.close(new StreamError("policy-violation", "Already authenticated"));
        return true;
      }
      // TLS-01 / AUTH-01: no credentials are looked at on a stream that must be encrypted first.
      if (encryptionRequired(session)) {
        fail(session, "encryption-required");
        return true;
      }
      const name = String(element.attrs.mechanism ?? "");
      const adv = offered(session);
      if (name !== "PLAIN" && !adv.mechanisms.includes(name)) {
        fail(session, "invalid-mechanism");
        return true;
      }
      const mech = createServerMechanism(name, {
        secure: session.secure,
        channelBinding: (type) => session.channelBinding(type),
        cbTypes: adv.cbTypes,
        plusOffered: adv.mechanisms.some((m) => m.endsWith("-PLUS")),
        getScramCredentials: (user, hash) => {
          try {
            return server.accounts.scramCredentials(host.name, prepLocal(user), hash);
          } catch {
            return Promise.resolve(undefined);
          }
        },
        checkPassword: (user, password) => {
          try {
            return server.accounts.checkPassword(host.name, prepLocal(user), password);
          } catch {
            return Promise.resolve(false);
          }
        },
        fakeSaltSecret: server.secret,
      });
      if (!mech) {
        fail(session, "invalid-mechanism");
        return true;
      }
      const input = decode(session, element);
      if (input === undefined) return true;
      state(session).mech = mech;
      return step(session, mech, input).then(() => true);
    });

    mod.hookElement(["c2s"], NS.SASL, "response", ({ session, element }) => {
      const mech = state(session).mech;
      if (!mech) {
        fail(session, "malformed-request", "No authentication in progress");
        return true;
      }
      const input = decode(session, element);
      if (input === undefined) return true;
      return step(session, mech, input).then(() => true);
    });

    mod.hookElement(["c2s"], NS.SASL, "abort", ({ session }) => {
      fail(session, "aborted");
      return true;
    });
  },
});
