/**
 * XEP-0352 Client State Indication: while a client says it is inactive, presence broadcasts and
 * chat-state-only messages wait (see importance.ts and held.ts); everything else, and every
 * message with content, goes out at once and first releases what waited.
 *
 * Decisions:
 * - The feature is offered once the client has authenticated; <active/>/<inactive/> before
 *   authentication are not understood (the stream engine's unsupported-stanza-type).
 * - A resumed stream starts active (XEP-0352 §4.2; XEP-0198 resumption is a new stream), so what
 *   waited is released after the retransmitted stanzas.
 * - When the session ends, what waited is dropped: it is presence and chat states only.
 *
 * References:
 * - XEP-0352 §4.1 (stream feature after authentication), §4.2 (nonzas, no reply; a stream begins
 *   active), §5 (state independent of presence), §5.1 (in-order processing), §6 (state never revealed)
 */
import { opt } from "../../lib/config/options";
import { defineModule } from "../../lib/module-host/define";
import type { SessionEvent } from "../../lib/sessions";
import { el } from "../../lib/stanza";
import type { Session } from "../../lib/stream/session";
import { HeldStanzas } from "./held";

export const NS_CSI = "urn:xmpp:csi:0";
const KEY = "csi";

export default defineModule({
  name: "csi",
  summary: "XEP-0352: Client State Indication (holds back presence and chat states while the client is inactive)",
  implements: [{ spec: "XEP-0352", version: "1.0.0", status: "complete" }],
  scope: "host",
  streams: ["c2s"],
  options: {
    csi_queue_size: opt.integer(256, "Most stanzas held back for an inactive client; a full buffer is sent at once.", { min: 1 }),
  },
  setup(mod) {
    const sessions = new Set<Session>();
    const heldOf = (session: Session): HeldStanzas => {
      let h = session.data.get(KEY) as HeldStanzas | undefined;
      if (!h) {
        session.data.set(KEY, (h = new HeldStanzas(session, mod.options.csi_queue_size)));
        sessions.add(session);
      }
      return h;
    };
    const activate = (session: Session) => (session.data.get(KEY) as HeldStanzas | undefined)?.release();

    mod.streamFeatures.offer(["c2s"], (session) => (session.username !== undefined ? el("csi", { xmlns: NS_CSI }) : undefined), 90);

    mod.hookElement(["c2s"], NS_CSI, "inactive", ({ session }) => {
      if (session.username === undefined) return undefined;
      heldOf(session).hold();
      return true;
    });
    mod.hookElement(["c2s"], NS_CSI, "active", ({ session }) => {
      if (session.username === undefined) return undefined;
      activate(session);
      return true;
    });

    mod.hook<SessionEvent>("smacks-resumed", ({ session }) => {
      activate(session);
      return undefined;
    });
    mod.hook<SessionEvent>("c2s-closed", ({ session }) => {
      (session.data.get(KEY) as HeldStanzas | undefined)?.discard();
      session.data.delete(KEY);
      sessions.delete(session);
      return undefined;
    });
    mod.onUnload(() => {
      for (const s of sessions) (s.data.get(KEY) as HeldStanzas | undefined)?.release();
      for (const s of sessions) s.data.delete(KEY);
      sessions.clear();
    });
  },
});
