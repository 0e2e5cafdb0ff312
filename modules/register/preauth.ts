/**
 * Registration before authentication. The stream engine routes nothing until a resource is bound,
 * so iq:register on an unauthenticated c2s stream is taken straight off the stream (as bind does)
 * and answered on the session.
 *
 * References:
 * - XEP-0077 §3.1 (fields; conflict; not-acceptable for missing or empty fields; service-unavailable
 *   when registration is not offered), §3.1.1 (with a server: the entity is unregistered until it
 *   authenticates; a second registration before authenticating may be refused with not-acceptable)
 * - XEP-0077 §3.2 (cancelling needs a registered sender: unexpected-request)
 * - XEP-0077 §11 (only over a secured channel); reliability.md AUTH-13 (TLS, throttle per address)
 */
import type { Element } from "ltx";
import { AccountError } from "../../lib/accounts";
import { StanzaError, stanzaError } from "../../lib/errors";
import { Priority } from "../../lib/events";
import { JidError, prepLocal } from "../../lib/jid";
import type { ModuleContext } from "../../lib/module-host/define";
import { Admission } from "../../lib/net/admission";
import { childElements, errorReply, iqResult } from "../../lib/stanza";
import type { Session } from "../../lib/stream/session";
import { NS } from "../../lib/xml/ns";
import { field, registrationFields } from "./fields";
import type { RegistrationThrottle } from "./throttle";

const REGISTERED_HERE = "register:done";

/** Whether this unauthenticated stream may register at all (and so sees the stream feature). */
export function registrationOpen(mod: ModuleContext, session: Session): boolean {
  return mod.host!.options.allow_registration && session.secure && session.username === undefined;
}

export function installPreauthRegistration(mod: ModuleContext, throttle: RegistrationThrottle): void {
  const host = mod.host!;
  const accounts = mod.server.accounts;

  const register = async (session: Session, query: Element): Promise<void> => {
    if (query.getChild("remove")) throw stanzaError("unexpected-request", "Log in to remove an account");
    if (session.data.get(REGISTERED_HERE)) throw stanzaError("not-acceptable", "One registration per connection; log in with it");
    const username = field(query, "username")?.trim() ?? "";
    const password = field(query, "password") ?? "";
    if (username === "" || password === "") throw stanzaError("not-acceptable", "Both username and password are required");
    let local: string;
    try {
      local = prepLocal(username);
    } catch (err) {
      if (err instanceof JidError) throw stanzaError("not-acceptable", "That username is not allowed");
      throw err;
    }
    // Counted per IPv4 address or IPv6 /64, like connections: a host owns its whole /64.
    const source = Admission.sourceKey(session.remoteAddress);
    if (!throttle.allows(source)) throw stanzaError("resource-constraint", "Too many registrations from your address; try again later");
    if (await accounts.exists(host.name, local)) throw stanzaError("conflict", "That username is taken");
    try {
      await accounts.create(host.name, local, password);
    } catch (err) {
      // Lost a race with another registration of the same name.
      if (err instanceof AccountError) throw stanzaError("conflict", "That username is taken");
      throw err;
    }
    throttle.record(source);
    session.data.set(REGISTERED_HERE, true);
    mod.log.info("account registered in-band", { user: `${local}@${host.name}`, address: session.remoteAddress });
  };

  mod.hookElement(["c2s"], NS.CLIENT, "iq", ({ session, element }) => {
    if (session.username !== undefined) return undefined;
    const children = childElements(element);
    const type = element.attrs.type as string | undefined;
    if (children.length !== 1 || children[0].name !== "query" || children[0].attrs.xmlns !== NS.REGISTER) return undefined;
    if (type !== "get" && type !== "set") return undefined;

    const answer = (reply: Element) => {
      // Nobody has an address yet: the reply carries none.
      delete reply.attrs.to;
      delete reply.attrs.from;
      session.send(reply);
    };
    const refuse = (err: unknown) => {
      if (err instanceof StanzaError) return answer(errorReply(element, err));
      mod.log.error("in-band registration failed", { session: session.id, err: err as Error });
      answer(errorReply(element, stanzaError("internal-server-error")));
    };

    if (!host.options.allow_registration) {
      refuse(stanzaError("service-unavailable", "In-band registration is disabled"));
      return true;
    }
    if (!session.secure) {
      refuse(new StanzaError("modify", "not-authorized", "Registration needs an encrypted connection"));
      return true;
    }
    if (type === "get") {
      answer(iqResult(element, registrationFields()));
      return true;
    }
    return register(session, children[0]).then(
      () => {
        answer(iqResult(element));
        return true;
      },
      (err: unknown) => {
        refuse(err);
        return true;
      },
    );
  }, Priority.HIGH);
}
