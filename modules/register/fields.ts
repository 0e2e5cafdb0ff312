/**
 * The jabber:iq:register query: the fields we ask for and how we read them. Only username and
 * password; data forms are not offered, so clients use the plain fields.
 *
 * References:
 * - XEP-0077 §3.1 (fields, <registered/> for an account already registered), §4 (no new fields)
 */
import type { Element } from "ltx";
import { el, getText } from "../../lib/stanza";
import { NS } from "../../lib/xml/ns";

export function registrationFields(): Element {
  return el(
    "query",
    { xmlns: NS.REGISTER },
    el("instructions", {}, "Choose a username and password for use with this service."),
    el("username"),
    el("password"),
  );
}

/** For a logged-in account: what is on file (never the password), and how to change or remove it. */
export function registeredFields(username: string): Element {
  return el(
    "query",
    { xmlns: NS.REGISTER },
    el("registered"),
    el("instructions", {}, "Send a new password with your username to change it, or <remove/> to delete this account and all its data."),
    el("username", {}, username),
    el("password"),
  );
}

/** The text of a field, or undefined when the field is absent. */
export function field(query: Element, name: string): string | undefined {
  const child = query.getChild(name);
  return child ? getText(child) : undefined;
}
