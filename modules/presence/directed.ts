/**
 * Directed presence a client sends, remembered so it can be taken back with "unavailable" when the
 * client goes unavailable or away. Seen as the stanza leaves the client's stream, so it is tracked
 * whatever the destination (local, or another server once federation exists).
 *
 * References:
 * - RFC 6121 §4.6.2 (the user's server remembers directed presence recipients), §4.6.3 (and sends
 *   them unavailable); a subscriber already gets the broadcast unavailable, so it is not tracked
 *   while the sender is available
 */
import type { ElementEvent } from "../../lib/stream/types";
import { tryParseJid } from "../../lib/jid";
import { isSubscriber, rosterStoreOf } from "../roster/service";
import type { PresenceContext } from "./broadcast";
import { presenceState } from "./state";

/** Recipients tracked per resource; a client directing presence at more is not believed. */
const MAX_DIRECTED = 1000;

export async function trackDirected(ctx: PresenceContext, { session, element }: ElementEvent): Promise<undefined> {
  const type = element.attrs.type as string | undefined;
  if (!session.jid || (type !== undefined && type !== "unavailable")) return undefined;
  const to = tryParseJid(element.attrs.to as string | undefined);
  if (!to || to.bare.equals(session.jid.bare)) return undefined;
  const st = presenceState(session);
  if (type === "unavailable") {
    st.directed?.delete(to.toString());
    return undefined;
  }
  if ((st.directed?.size ?? 0) >= MAX_DIRECTED) return undefined;
  let subscribed = false;
  try {
    subscribed = isSubscriber(await rosterStoreOf(ctx.host)?.read(session.jid.local), to.bare.toString());
  } catch {
    // Tracking a subscriber too only costs it a second "unavailable" later.
  }
  if (!subscribed || st.last === undefined) (st.directed ??= new Set()).add(to.toString());
  return undefined;
}
