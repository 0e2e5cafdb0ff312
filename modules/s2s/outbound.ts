/**
 * Outgoing links: hands stanzas for remote domains to the link manager, and gives the final
 * verdict on each <stream:features/> once the authentication handlers had their turn.
 *
 * References:
 * - RFC 6120 §10.4 (remote domains), §4.3.5 / §6.4.6 (the stream is ready after the features that
 *   follow a successful authentication)
 */
import type { Element } from "ltx";
import { StreamError } from "../../lib/errors";
import type { JID } from "../../lib/jid";
import type { ModuleContext } from "../../lib/module-host/define";
import type { S2sService } from "../../lib/s2s/service";
import type { Session } from "../../lib/stream/session";
import { NS } from "../../lib/xml/ns";

interface RemoteRouteEvent {
  origin: Session | undefined;
  stanza: Element;
  to: JID;
  from: JID;
}

export function setupOutbound(mod: ModuleContext, service: S2sService): void {
  const host = mod.host!;
  const manager = service.manager;

  // Each host takes the stanzas its own users and services send; the manager is shared.
  mod.hookGlobal<RemoteRouteEvent>("route/remote", (ev) => {
    if (ev.from.domain !== host.name) return undefined;
    manager.route(host.name, ev.to.domain, ev.stanza);
    return true;
  }, -1);

  mod.hookGlobal("server-stopping", () => manager.shutdown());

  mod.hookElement(["s2s-out"], NS.STREAM, "features", ({ session }) => {
    const link = manager.linkOf(session);
    if (!link) return undefined;
    if (link.external === "succeeded" && !link.authorized.has(link.local)) {
      link.authenticated(link.local, "EXTERNAL");
      return true;
    }
    if (link.authorized.has(link.local) || link.resultPending.has(link.local)) return true;
    const why = link.cert && !link.cert.valid ? ` (its certificate: ${link.cert.reason})` : "";
    link.fail(`${link.remote} offers no authentication method we can use${why}`, "remote-server-not-found", new StreamError("unsupported-feature", "No viable authentication method"));
    return true;
  }, -100);
}
