/**
 * A logged-in account manages itself through iq:register whatever allow_registration says: it reads
 * what is on file, changes its password, or removes itself with all its data.
 *
 * References:
 * - XEP-0077 §3.1 (an already registered entity gets <registered/> and its data on file)
 * - XEP-0077 §3.2 (cancel: <remove/> as the only child, else bad-request; result, then a
 *   <not-authorized/> stream error on every session of the account)
 * - XEP-0077 §3.3 (password change: username and a non-empty password, else bad-request; an unsafe
 *   channel gets not-authorized)
 * - reliability.md AUTH-11 (other sessions end on a password change), AUTH-13 (no registering of
 *   other accounts from a session: not-allowed), AUTH-14 (removal deletes all personal data)
 */
import { AccountError } from "../../lib/accounts";
import { StanzaError, stanzaError, StreamError } from "../../lib/errors";
import { JidError, prepLocal } from "../../lib/jid";
import type { ModuleContext } from "../../lib/module-host/define";
import type { IqEvent } from "../../lib/router";
import { childElements } from "../../lib/stanza";
import type { Session } from "../../lib/stream/session";
import { NS } from "../../lib/xml/ns";
import { field, registeredFields } from "./fields";

export function installAccountManagement(mod: ModuleContext): void {
  const host = mod.host!;
  const server = mod.server;

  /** Every client stream of the account, bound or only authenticated (those may still bind). */
  const streamsOf = (user: string): Session[] =>
    [...server.streams].filter((s) => s.kind === "c2s" && s.host === host && s.username === user && !s.closed);

  /** The requesting account; only its own client may manage it, never another server. */
  const requester = ({ origin, from }: IqEvent): { user: string; session: Session } => {
    if (origin?.kind !== "c2s" || !origin.jid || from.domain !== host.name || !from.local) {
      throw stanzaError("not-allowed", "Only a logged-in account can manage itself");
    }
    return { user: from.local, session: origin };
  };

  const remove = async (user: string): Promise<true> => {
    try {
      await server.accounts.delete(host.name, user);
    } catch (err) {
      if (err instanceof AccountError) throw stanzaError("registration-required", "No such account");
      throw err;
    }
    mod.log.info("account removed in-band", { user: `${user}@${host.name}` });
    // After the result (sent when this handler settles) has been queued on the requesting stream.
    mod.timers.after(0, () => {
      for (const s of streamsOf(user)) s.close(new StreamError("not-authorized", "Account removed"));
    });
    return true;
  };

  const changePassword = async (ev: IqEvent, user: string, session: Session): Promise<true> => {
    const username = field(ev.payload, "username");
    const password = field(ev.payload, "password");
    if (username === undefined || password === undefined) throw stanzaError("bad-request", "Send both username and password");
    // XEP-0077 §3.3: an empty password never replaces the current one.
    if (password === "") throw stanzaError("bad-request", "The password must not be empty");
    let local: string | undefined;
    try {
      local = prepLocal(username.trim());
    } catch (err) {
      if (!(err instanceof JidError)) throw err;
    }
    if (local !== user) throw stanzaError("not-allowed", "A logged-in session can change only its own account");
    if (!session.secure) throw new StanzaError("modify", "not-authorized", "Change passwords over an encrypted connection");
    await server.accounts.setPassword(host.name, user, password);
    mod.log.info("password changed in-band", { user: `${user}@${host.name}` });
    // Whoever held the old password must log in again with the new one.
    for (const s of streamsOf(user)) if (s !== session) s.close(new StreamError("reset", "Password changed"));
    return true;
  };

  for (const kind of ["self", "host"] as const) {
    mod.iq.get(kind, NS.REGISTER, "query", (ev) => registeredFields(requester(ev).user));

    mod.iq.set(kind, NS.REGISTER, "query", (ev) => {
      const { user, session } = requester(ev);
      if (ev.payload.getChild("remove")) {
        if (childElements(ev.payload).length !== 1) throw stanzaError("bad-request", "<remove/> must be the only child");
        return remove(user);
      }
      return changePassword(ev, user, session);
    });
  }
}
