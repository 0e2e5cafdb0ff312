/**
 * SASL EXTERNAL between servers: the peer's certificate is the credential. Offered to a peer
 * whose certificate is valid for the domain its stream claims; used towards a peer when our own
 * certificate comes from a CA. A failure falls back to dialback where the policy allows.
 *
 * References:
 * - XEP-0178 §3 (s2s: offer only when the certificate matches the stream 'from'; authzid empty or
 *   that domain), RFC 6120 §6.4 (SASL negotiation), §6.4.6 (restart), §6.5 (failure conditions)
 * - RFC 4422 Appendix A (EXTERNAL)
 */
import { StreamError } from "../../lib/errors";
import { elementEventName } from "../../lib/stream/types";
import type { ModuleContext } from "../../lib/module-host/define";
import { decodeSaslBase64, encodeSaslBase64 } from "../../lib/sasl/base64";
import type { S2sService } from "../../lib/s2s/service";
import { el, getText } from "../../lib/stanza";
import type { ElementEvent } from "../../lib/stream/types";
import { NS } from "../../lib/xml/ns";

export function setupSaslExternal(mod: ModuleContext, service: S2sService): void {
  const host = mod.host!;
  const manager = service.manager;

  // Incoming.
  mod.streamFeatures.offer(["s2s-in"], (session) => {
    if (!session.secure) return undefined;
    const st = service.inboundState(session);
    const claimed = st.claimed;
    if (claimed === undefined || st.authed.has(claimed) || !st.cert(claimed).valid) return undefined;
    return el("mechanisms", { xmlns: NS.SASL }, el("mechanism", {}, "EXTERNAL"));
  }, 900);

  mod.hookElement(["s2s-in"], NS.SASL, "auth", ({ session, element }) => {
    const st = service.inboundState(session);
    const claimed = st.claimed;
    const failure = (condition: string) => {
      session.send(el("failure", { xmlns: NS.SASL }, el(condition)));
      mod.log.info("s2s SASL EXTERNAL refused", { session: session.id, from: claimed, condition });
      return true;
    };
    if (element.attrs.mechanism !== "EXTERNAL") return failure("invalid-mechanism");
    if (!session.secure) return failure("encryption-required");
    if (claimed === undefined || st.authed.has(claimed)) return failure("not-authorized");
    // Prosody and ejabberd send their domain as initial response; an <auth/> without one is taken as
    // an empty authzid rather than answered with an empty challenge (RFC 6120 §6.4.2), to save a round trip.
    const data = decodeSaslBase64(getText(element).trim());
    if (data === undefined) return failure("incorrect-encoding");
    const authzid = data.toString("utf8");
    if (authzid !== "" && authzid.toLowerCase() !== claimed) return failure("invalid-authzid");
    if (!st.cert(claimed).valid) return failure("not-authorized");
    st.authenticate(claimed, "EXTERNAL", host.name);
    session.send(el("success", { xmlns: NS.SASL }));
    session.restart();
    return true;
  });

  // Outgoing.
  mod.hookElement(["s2s-out"], NS.STREAM, "features", ({ session, element }) => {
    const link = manager.linkOf(session);
    if (!link || !session.secure || link.external !== undefined || link.authorized.has(link.local)) return undefined;
    const mechanisms = element.getChild("mechanisms", NS.SASL);
    const offered = mechanisms?.getChildren("mechanism").some((m) => getText(m).trim() === "EXTERNAL") ?? false;
    if (!offered || !service.ownCertificateUsable(link.local)) return undefined;
    session.send(el("auth", { xmlns: NS.SASL, mechanism: "EXTERNAL" }, encodeSaslBase64(Buffer.from(link.local, "utf8"))));
    link.external = "attempting";
    return true;
  }, 500);

  mod.hookElement(["s2s-out"], NS.SASL, "success", ({ session }) => {
    const link = manager.linkOf(session);
    if (!link || link.external !== "attempting") throw new StreamError("not-authorized", "Unexpected SASL <success/>");
    link.external = "succeeded";
    session.restart();
    return true;
  });

  mod.hookElement(["s2s-out"], NS.SASL, "failure", ({ session, element }) => {
    const link = manager.linkOf(session);
    if (!link || link.external !== "attempting") throw new StreamError("not-authorized", "Unexpected SASL <failure/>");
    link.external = "failed";
    const condition = element.children.find((c) => typeof c !== "string" && c.name !== "text");
    mod.log.info("s2s SASL EXTERNAL failed; trying the next method", { to: link.remote, condition: typeof condition === "object" ? condition.name : undefined });
    // Replay the features to the remaining handlers (dialback, then the final verdict).
    const replay: ElementEvent = { session, element: link.lastFeatures! };
    return host.events.fire(elementEventName("s2s-out", NS.STREAM, "features"), replay);
  });
}
