/**
 * Bidirectional server-to-server streams: one TCP connection carries stanzas both ways, so a pair
 * of servers needs one connection instead of two. Offered on incoming streams, requested on
 * outgoing ones when the peer offers it; the `s2s_bidi` option turns both off.
 *
 * References:
 * - XEP-0288 §2.1 (feature, after TLS), §2.2 (request before authentication; the receiving server
 *   sends only for what the peer authenticated, and never verifies a key on the stream that
 *   carried the request)
 */
import type { ModuleContext } from "../../lib/module-host/define";
import type { S2sService } from "../../lib/s2s/service";
import { el } from "../../lib/stanza";
import { NS } from "../../lib/xml/ns";

export const NS_BIDI = "urn:xmpp:bidi";
export const NS_BIDI_FEATURE = "urn:xmpp:features:bidi";

export function setupBidi(mod: ModuleContext, service: S2sService, enabled: boolean): void {
  if (!enabled) return;
  const host = mod.host!;
  const manager = service.manager;
  const tlsDone = (secure: boolean) => secure || !host.options.s2s_require_encryption;

  mod.streamFeatures.offer(["s2s-in"], (session) => {
    if (!tlsDone(session.secure) || service.inboundState(session).authed.size > 0) return undefined;
    return el("bidi", { xmlns: NS_BIDI_FEATURE });
  }, 800);

  mod.hookElement(["s2s-in"], NS_BIDI, "bidi", ({ session }) => {
    const st = service.inboundState(session);
    // Only before authentication and after TLS; anything else is ignored, as an unknown request would be.
    if (tlsDone(session.secure) && st.authed.size === 0) st.bidi = true;
    return true;
  });

  // Between STARTTLS (1000) and the authentication handlers (500 and below), which still run.
  mod.hookElement(["s2s-out"], NS.STREAM, "features", ({ session, element }) => {
    const link = manager.linkOf(session);
    if (!link || link.bidi || !tlsDone(session.secure) || link.authorized.has(link.local) || link.external !== undefined) return undefined;
    if (!element.getChild("bidi", NS_BIDI_FEATURE)) return undefined;
    session.send(el("bidi", { xmlns: NS_BIDI }));
    link.bidi = true;
    return undefined;
  }, 700);
}
