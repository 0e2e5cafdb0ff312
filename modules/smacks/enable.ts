/**
 * <enable/>: stream management on a bound session, resumable when the client asks.
 *
 * Decisions:
 * - A second <enable/> gets <failed><unexpected-request/></failed> and the stream goes on, as
 *   Prosody does (XEP-0198 §3 suggests a stream error; the brief and AUTH-16 accept either "error").
 * - <enable/> before authentication: <failed><not-authorized/></failed>.
 * - 'max' from the client can only shorten the resumption time we offer.
 *
 * References:
 * - XEP-0198 §3 (enable after binding, else <failed><unexpected-request/>; at most once),
 *   §5 ('resume' = "true" or "1"; the SM-ID is unique and opaque; 'max' in seconds)
 */
import { randomBytes } from "node:crypto";
import type { ElementEvent } from "../../lib/stream/types";
import { startCounting } from "./acks";
import type { SmContext } from "./context";
import { enabled, failed } from "./nonzas";
import { smState } from "./state";

export function handleEnable(ctx: SmContext, { session, element }: ElementEvent): true {
  if (session.username === undefined) {
    session.send(failed("not-authorized"));
    return true;
  }
  if (!session.jid || smState(session)) {
    session.send(failed("unexpected-request"));
    return true;
  }
  const st = startCounting(ctx, session);
  const resume = element.attrs.resume === "true" || element.attrs.resume === "1";
  if (!resume) {
    session.send(enabled());
    return true;
  }
  const wanted = Number(element.attrs.max);
  if (Number.isInteger(wanted) && wanted > 0) st.hibernationMs = Math.min(st.hibernationMs, wanted * 1000);
  st.id = randomBytes(18).toString("base64url");
  ctx.registry.add(session.username, st.id, session);
  session.keeper = ctx.keeper;
  st.undo.push(() => (session.keeper = undefined));
  session.send(enabled({ id: st.id, maxSeconds: Math.max(1, Math.ceil(st.hibernationMs / 1000)) }));
  return true;
}
