/**
 * XEP-0198 Stream Management on client streams: acks in both directions, resumption, and
 * hibernation of sessions whose connection was lost; stanzas the client never acknowledged are
 * re-routed when its session ends, never silently dropped.
 *
 * Decisions:
 * - smacks_hibernation_time defaults to 10 minutes, Prosody's default (mod_smacks
 *   smacks_hibernation_time = 600 s); smacks_max_queue_size (500), smacks_max_unacked_stanzas (0),
 *   smacks_max_hibernated_sessions (10) and smacks_max_old_sessions (10) are Prosody's too.
 * - Client streams only; server-to-server stream management is not offered.
 * - Other modules learn of a resumption from the host event `smacks-resumed` ({ session }).
 *
 * References:
 * - XEP-0198 §2 (feature after authentication), §3 (enable), §4 (acks), §5 (resumption),
 *   §6 (errors), §7 (stream closure), §9 (security: resumption by the same account only)
 * - reliability.md §6 D1 (ack after commit), D2 (unacked stanzas are never dropped), §7.3 AUTH-16, §7.6 DOS-06
 */
import { opt } from "../../lib/config/options";
import { defineModule } from "../../lib/module-host/define";
import type { SessionEvent } from "../../lib/sessions";
import { el } from "../../lib/stanza";
import type { Session } from "../../lib/stream/session";
import { handleAck, handleRequest } from "./acks";
import type { SmContext } from "./context";
import { handleEnable } from "./enable";
import { rerouteUnacked } from "./fallback";
import { makeKeeper, stopHibernation } from "./hibernation";
import { ResumableSessions } from "./registry";
import { handleResume } from "./resume";
import { NS_SM, setSmState, smState } from "./state";

/** How long unload waits for unacknowledged stanzas to reach offline storage. */
const UNLOAD_GRACE_MS = 5000;

export default defineModule({
  name: "smacks",
  summary: "XEP-0198: Stream Management (acks, resumption, hibernation) on client streams",
  implements: [{ spec: "XEP-0198", version: "1.6", status: "partial", note: "client streams only; no 'location' for resumption elsewhere" }],
  scope: "host",
  streams: ["c2s"],
  requires: ["presence"],
  options: {
    smacks_hibernation_time: opt.duration("10m", "How long a resumable session whose connection was lost stays available for resumption (XEP-0198 'max'); then it ends and its unacknowledged messages go to offline storage."),
    smacks_max_queue_size: opt.integer(500, "Most unacknowledged stanzas kept per session; beyond it the session is closed with policy-violation (its queue is re-routed, not lost).", { min: 1 }),
    smacks_max_unacked_stanzas: opt.integer(0, "The server asks for an acknowledgement once more than this many stanzas are unacknowledged.", { min: 0 }),
    smacks_max_hibernated_sessions: opt.integer(10, "Most sessions per account waiting for resumption at once; the oldest ends first.", { min: 1 }),
    smacks_max_old_sessions: opt.integer(10, "Ended sessions per account whose final count is remembered and told to a late resumption attempt (XEP-0198 §5).", { min: 0 }),
  },
  setup(mod) {
    const o = mod.options;
    const ctx: SmContext = {
      host: mod.host!,
      server: mod.server,
      log: mod.log,
      settings: {
        hibernationMs: o.smacks_hibernation_time,
        maxQueue: o.smacks_max_queue_size,
        maxUnacked: o.smacks_max_unacked_stanzas,
        maxHibernated: o.smacks_max_hibernated_sessions,
      },
      registry: new ResumableSessions(o.smacks_max_old_sessions),
      sessions: new Set(),
      pending: new Set(),
      keeper: () => false,
      send: (stanza) => mod.send(stanza),
    };
    ctx.keeper = makeKeeper(ctx);

    // After authentication: resumption comes before binding, enabling after it (XEP-0198 §2).
    mod.streamFeatures.offer(["c2s"], (session) => (session.username !== undefined && !session.jid ? el("sm", { xmlns: NS_SM }) : undefined), 100);

    mod.hookElement(["c2s"], NS_SM, "enable", (ev) => handleEnable(ctx, ev));
    mod.hookElement(["c2s"], NS_SM, "resume", (ev) => handleResume(ctx, ev));
    mod.hookElement(["c2s"], NS_SM, "r", (ev) => handleRequest(ctx, ev));
    mod.hookElement(["c2s"], NS_SM, "a", (ev) => handleAck(ctx, ev));

    /** The session is over for good: forget it and re-route what the client never acknowledged. */
    const finish = (session: Session): void => {
      const st = smState(session);
      if (!st) return;
      stopHibernation(st);
      for (const undo of st.undo.splice(0)) undo();
      setSmState(session, undefined);
      ctx.sessions.delete(session);
      if (st.id && session.username !== undefined) ctx.registry.end(session.username, st.id, session, st.inbound);
      const items = st.queue.takeAll();
      if (items.length === 0) return;
      const done = rerouteUnacked(ctx, session, items).finally(() => ctx.pending.delete(done));
      ctx.pending.add(done);
    };
    mod.hook<SessionEvent>("c2s-closed", ({ session }) => {
      finish(session);
      return undefined;
    });

    mod.onUnload(async () => {
      for (const session of [...ctx.sessions]) {
        if (session.detached) session.close();
        finish(session);
      }
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, UNLOAD_GRACE_MS)));
      await Promise.race([Promise.all([...ctx.pending]), grace]);
      clearTimeout(timer);
    });
  },
});
