/**
 * The s2s listeners: STARTTLS on s2s_ports, Direct TLS (ALPN "xmpp-server") on
 * s2s_direct_tls_ports. Only when the s2s module is loaded.
 *
 * References:
 * - RFC 6120 §3.2.1 (port 5269), XEP-0368 §3 (Direct TLS for servers)
 */
import type { Socket } from "node:net";
import type { ListenerSpec } from "../net/listeners";
import type { Server } from "../server";
import { tlsServerOptions } from "../tls/server-options";
import { loadedS2sService } from "./service";

export function s2sListenerSpecs(server: Server, accept: (socket: Socket, directTls: boolean) => void): ListenerSpec[] {
  const service = loadedS2sService(server);
  if (!service) return [];
  const o = server.options;
  const defaultHost = server.hosts.keys().next().value as string;
  return [
    { name: "s2s", interfaces: o.interfaces, ports: o.s2s_ports, onConnection: (s) => accept(s, false) },
    {
      name: "s2s direct TLS",
      interfaces: o.interfaces,
      ports: o.s2s_direct_tls_ports,
      tls: tlsServerOptions(server.certs, defaultHost, { alpn: ["xmpp-server"], requestCert: true, trust: service.trust }),
      onConnection: (s) => accept(s, true),
    },
  ];
}
