/**
 * Where archiving sits on the stanza path, in both directions.
 *
 * Outgoing (a local client sends): on the sender's host, in pre-message/* for local destinations
 * and on route/remote for other domains, after blocking (FILTER) had its veto and before carbons
 * copies the message. The archive id goes on the message only while carbons makes its copy
 * (XEP-0313 §3.5: the sent carbon SHOULD carry it) and is taken off again before the message
 * leaves, since the contact has no access to this archive.
 *
 * Incoming (a message reaches a local account, from anyone): on message/bare and message/full,
 * after blocking and before carbons and delivery (modules/message at -1, which also hands
 * messages to offline storage), so the recipient's resources, its received carbons and the
 * offline copy all carry the stanza-id. Those events fire once per message, however many
 * resources it is delivered to, so it is archived once.
 *
 * A message to oneself is archived once, on arrival. Storage failures are logged and the message
 * is delivered anyway (without a stanza-id): losing the archive copy is better than losing the message.
 *
 * References:
 * - XEP-0313 §3.5 (stanza-id on what the recipient gets; not on outgoing messages), §6.1.1
 *   (each message once per archive even when carbons or forking multiply it), §6.1 (rejected
 *   messages stay out: blocking vetoes before archiving)
 * - XEP-0359 §3 (replace a stanza-id claiming our 'by'; at most one per 'by')
 * - XEP-0280 §6 (carbons), XEP-0191 §3.3 (blocking)
 */
import type { Element } from "ltx";
import { Priority } from "../../lib/events";
import type { JID } from "../../lib/jid";
import type { ModuleContext } from "../../lib/module-host/define";
import type { StanzaEvent } from "../../lib/router";
import type { Session } from "../../lib/stream/session";
import type { Archiver } from "./archiver";
import { shouldArchive } from "./policy";
import { addStanzaId, removeChild, stripStanzaIds } from "./stanza-id";

/** Between blocking (FILTER) and carbons (HIGH on message/* and route/remote). */
export const ARCHIVE_PRIORITY = Priority.HIGH + 100;
/** After carbons' sent copies (LAST in pre-message/*, HIGH on route/remote), before s2s takes the stanza (-1). */
const UNTAG_LOCAL = Priority.LAST - 50;
const UNTAG_REMOTE = Priority.HIGH / 2;

interface OutgoingEvent {
  origin: Session | undefined;
  stanza: Element;
  to: JID;
  from: JID;
}

export function installArchiving(mod: ModuleContext, archiver: Archiver): void {
  const host = mod.host!;
  const accounts = mod.server.accounts;
  /** The sender's stanza-id, on a message only between archiving and carbons. */
  const tagged = new WeakMap<Element, Element>();

  const archive = async (user: string, stanza: Element, peer: JID): Promise<string | undefined> => {
    try {
      return await archiver.archive(user, stanza, peer);
    } catch (err) {
      mod.log.error("archiving a message failed; delivering it unarchived", { user, err: err as Error });
      return undefined;
    }
  };

  const outgoing = async (ev: OutgoingEvent): Promise<undefined> => {
    const { origin, stanza, to } = ev;
    if (origin?.kind !== "c2s" || origin.host !== host || !origin.jid || stanza.name !== "message") return undefined;
    const owner = origin.jid.bare;
    stripStanzaIds(stanza, owner.toString());
    if (to.bare.equals(owner) || !shouldArchive(stanza)) return undefined;
    const id = await archive(owner.local, stanza, to);
    if (id !== undefined) tagged.set(stanza, addStanzaId(stanza, owner.toString(), id));
    return undefined;
  };

  const untag = ({ stanza }: { stanza: Element }): undefined => {
    const sid = tagged.get(stanza);
    if (sid) {
      removeChild(stanza, sid);
      tagged.delete(stanza);
    }
    return undefined;
  };

  const incoming = async (ev: StanzaEvent): Promise<undefined> => {
    const { stanza, to } = ev;
    if (!to.local) return undefined;
    const owner = to.bare.toString();
    stripStanzaIds(stanza, owner);
    if (!shouldArchive(stanza) || !(await accounts.exists(host.name, to.local))) return undefined;
    const id = await archive(to.local, stanza, ev.from);
    if (id !== undefined) addStanzaId(stanza, owner, id);
    return undefined;
  };

  for (const kind of ["bare", "full", "host"]) {
    mod.hook<OutgoingEvent>(`pre-message/${kind}`, outgoing, ARCHIVE_PRIORITY);
    mod.hook<OutgoingEvent>(`pre-message/${kind}`, untag, UNTAG_LOCAL);
  }
  mod.hookGlobal<OutgoingEvent>("route/remote", outgoing, ARCHIVE_PRIORITY);
  mod.hookGlobal<OutgoingEvent>("route/remote", untag, UNTAG_REMOTE);
  mod.hook<StanzaEvent>("message/bare", incoming, ARCHIVE_PRIORITY);
  mod.hook<StanzaEvent>("message/full", incoming, ARCHIVE_PRIORITY);
}
