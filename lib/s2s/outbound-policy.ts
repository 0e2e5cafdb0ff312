/**
 * The stream policy of outgoing server-to-server links. The stream is ours to open; it is ready
 * once the peer accepted our stream's 'from' domain.
 *
 * References:
 * - RFC 6120 §4.3.5 / §8.1.1.2 (no stanzas before authentication), XEP-0220 §2.1
 */
import { StreamError } from "../errors";
import type { LinkPolicy } from "../stream/session";
import { NS } from "../xml/ns";
import { authedLimits, preauthLimits } from "./limits";
import { routeFromPeer } from "./peer-stanza";
import type { S2sService } from "./service";

export function makeS2sOutPolicy(service: S2sService): LinkPolicy {
  const server = service.server;
  return {
    kind: "s2s-out",
    contentNs: NS.SERVER,
    streamPrefixes: { db: NS.DIALBACK },
    resolveHost: () => new StreamError("internal-server-error", "An outgoing stream does not accept a header first"),
    isReady: (s) => service.manager.linkOf(s)?.phase === "ready",
    route: (s, stanza) => {
      const link = service.manager.linkOf(s);
      // Without a bidirectional stream (XEP-0288) the peer talks to us on a stream of its own.
      if (!link?.bidi) throw new StreamError("unsupported-stanza-type", "Stanzas are not accepted on this stream");
      // XEP-0288 §2.2: the peer sends from the domain we connected to, to the domains it accepted from us.
      return routeFromPeer(server.router, s, stanza, { authenticated: (d) => d === link.remote, served: (d) => link.authorized.has(d) });
    },
    limits: (s) => {
      const o = s.host?.options ?? server.options;
      return service.manager.linkOf(s)?.phase === "ready" ? authedLimits(o) : preauthLimits(o);
    },
    onClosed: (s) => {
      server.streams.delete(s);
      service.manager.linkOf(s)?.sessionClosed(s);
    },
  };
}
