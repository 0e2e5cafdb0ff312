/**
 * The authoritative server's half of dialback: is this key one we issued? Answered on incoming
 * streams, and on an outgoing stream the peer made bidirectional.
 *
 * References:
 * - XEP-0220 §2.2.2 (authoritative server), §2.4.2 (item-not-found for a domain we do not host)
 * - XEP-0185 §3 (keys recomputed and compared in constant time)
 */
import type { Element } from "ltx";
import { StreamError } from "../../lib/errors";
import type { ModuleContext } from "../../lib/module-host/define";
import { checkDialbackKey } from "../../lib/s2s/dialback-key";
import type { S2sService } from "../../lib/s2s/service";
import { el, getText } from "../../lib/stanza";
import type { Session } from "../../lib/stream/session";
import { dialbackError, domainAttr } from "./errors";

export function answerVerify(mod: ModuleContext, service: S2sService, session: Session, element: Element): true {
  const from = domainAttr(element.attrs.from);
  const to = domainAttr(element.attrs.to);
  const id = element.attrs.id as string | undefined;
  if (!from || !to || !id) throw new StreamError("improper-addressing", "A dialback verification needs 'from', 'to' and 'id'");
  const answer = (type: string, error?: Element) => session.send(el("db:verify", { from: to, to: from, id, type }, error));
  if (!mod.server.hosts.has(to)) {
    answer("error", dialbackError("cancel", "item-not-found"));
    return true;
  }
  const valid = checkDialbackKey(service.dialbackSecret, from, to, id, getText(element));
  if (!valid) mod.log.warn("asked to confirm a dialback key this server did not issue", { session: session.id, from, to });
  answer(valid ? "valid" : "invalid");
  return true;
}
