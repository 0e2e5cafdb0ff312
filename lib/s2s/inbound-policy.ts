/**
 * The stream policy of incoming server-to-server links: which of our hosts the peer addresses,
 * whether its certificate is acceptable under s2s_secure_auth, and the from/to checks on every
 * stanza it sends.
 *
 * References:
 * - RFC 6120 §4.7.1 (header 'from' and 'to'), §4.9.3.6 (host-unknown), §13.7.2 (certificates)
 * - XEP-0178 §3, XEP-0220 §2.2.1 (what authenticates a peer), XEP-0344 §2 (refuse a certificate
 *   that is not valid for the claimed domain when secure auth is required)
 */
import { StreamError } from "../errors";
import { tryParseJid } from "../jid";
import type { Server } from "../server";
import type { LinkPolicy } from "../stream/session";
import { NS } from "../xml/ns";
import { authedLimits, preauthLimits } from "./limits";
import { routeFromPeer } from "./peer-stanza";
import { s2sService } from "./service";

export function makeS2sInPolicy(server: Server): LinkPolicy {
  const service = () => s2sService(server);
  const served = (domain: string) => server.hosts.has(domain) && service().moduleOn("s2s", domain);
  return {
    kind: "s2s-in",
    contentNs: NS.SERVER,
    streamPrefixes: { db: NS.DIALBACK },
    resolveHost: (to, session, header) => {
      const st = service().inboundState(session);
      const toJid = to ? tryParseJid(to) : undefined;
      if (!toJid || toJid.local || toJid.resource) return new StreamError("host-unknown", "The stream header needs a 'to' naming this server");
      const host = server.hosts.get(toJid.domain);
      if (!host) return new StreamError("host-unknown", `This server does not serve ${toJid.domain}`);
      if (!service().moduleOn("s2s", host.name)) return new StreamError("policy-violation", `Server-to-server communication is disabled for ${host.name}`);
      const rawFrom = header.attrs.from;
      if (rawFrom !== undefined && rawFrom !== "") {
        const fromJid = tryParseJid(rawFrom);
        if (!fromJid || fromJid.local || fromJid.resource) return new StreamError("improper-addressing", "Invalid 'from' on the stream header");
        const from = fromJid.domain;
        if (server.hosts.has(from)) return new StreamError("not-authorized", "A peer cannot claim a domain this server hosts");
        if (st.claimed !== undefined && st.claimed !== from) return new StreamError("improper-addressing", "A restarted stream must keep its 'from'");
        st.claimed = from;
        // Prosody does the same: a certificate that cannot be accepted is refused up front, with a reason.
        if (session.secure && st.authed.size === 0 && service().secureAuthRequired(host, from)) {
          const cert = st.cert(from);
          if (!cert.valid) {
            session.log.warn("refusing an s2s peer whose certificate is not acceptable", { session: session.id, from, to: host.name, reason: cert.reason });
            return new StreamError("not-authorized", `Your server's certificate is not acceptable for ${from}: ${cert.reason}`);
          }
        }
      }
      return host;
    },
    isReady: (s) => service().inboundState(s).authed.size > 0,
    route: (s, stanza) => {
      const st = service().inboundState(s);
      return routeFromPeer(server.router, s, stanza, { authenticated: (d) => st.authed.has(d), served });
    },
    limits: (s) => {
      const o = s.host?.options ?? server.options;
      return service().inboundState(s).authed.size > 0 ? authedLimits(o) : preauthLimits(o);
    },
    onClosed: (s) => {
      server.streams.delete(s);
      service().manager.forgetIncoming(s);
    },
  };
}
