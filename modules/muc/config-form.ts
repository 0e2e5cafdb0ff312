/**
 * The room configuration form: rendering the current settings as a muc#roomconfig form and
 * applying an owner's submission, refusing values the service cannot honour.
 *
 * References:
 * - XEP-0045 §10.1.3 (the form; not-acceptable for options that violate service policy, e.g. a
 *   password-protected room without a password), §10.2 (subsequent configuration), §16.5.3
 *   (muc#roomconfig field names and types)
 * - XEP-0004 §3.3 (field types)
 */
import type { Element } from "ltx";
import { type Field, formElement, parseBoolean } from "./dataform";
import { mucError } from "./errors";
import { MUC } from "./ns";
import type { AllowPm, RoomConfig, Whois } from "./types";

const F = {
  name: "muc#roomconfig_roomname",
  desc: "muc#roomconfig_roomdesc",
  lang: "muc#roomconfig_lang",
  persistent: "muc#roomconfig_persistentroom",
  public: "muc#roomconfig_publicroom",
  membersOnly: "muc#roomconfig_membersonly",
  moderated: "muc#roomconfig_moderatedroom",
  passwordProtected: "muc#roomconfig_passwordprotectedroom",
  secret: "muc#roomconfig_roomsecret",
  whois: "muc#roomconfig_whois",
  maxUsers: "muc#roomconfig_maxusers",
  changeSubject: "muc#roomconfig_changesubject",
  allowInvites: "muc#roomconfig_allowinvites",
  allowPm: "muc#roomconfig_allowpm",
} as const;

/** Text settings are stored and shown in disco: keep them to a sensible size. */
const MAX_TEXT = 1000;
const WHOIS: readonly Whois[] = ["moderators", "anyone"];
const ALLOW_PM: readonly AllowPm[] = ["anyone", "participants", "moderators", "none"];

const bool = (v: boolean) => [v ? "1" : "0"];

export function configForm(config: RoomConfig, room: string, cap: number): Element {
  const sizes = [10, 20, 30, 50, 100].filter((n) => n < cap);
  if (config.maxUsers < cap && !sizes.includes(config.maxUsers)) sizes.push(config.maxUsers);
  sizes.sort((a, b) => a - b);
  const fields: Field[] = [
    { var: "FORM_TYPE", type: "hidden", values: [MUC.ROOMCONFIG] },
    { var: F.name, type: "text-single", label: "Natural-Language Room Name", values: [config.name] },
    { var: F.desc, type: "text-single", label: "Short Description of Room", values: [config.description] },
    { var: F.lang, type: "text-single", label: "Natural Language for Room Discussions", values: [config.lang] },
    { var: F.persistent, type: "boolean", label: "Make Room Persistent?", values: bool(config.persistent) },
    { var: F.public, type: "boolean", label: "Make Room Publicly Searchable?", values: bool(config.public) },
    { var: F.membersOnly, type: "boolean", label: "Make Room Members-Only?", values: bool(config.membersOnly) },
    { var: F.moderated, type: "boolean", label: "Make Room Moderated?", values: bool(config.moderated) },
    { var: F.passwordProtected, type: "boolean", label: "Password Required to Enter?", values: bool(config.password !== "") },
    { var: F.secret, type: "text-private", label: "Password", values: [config.password] },
    {
      var: F.whois,
      type: "list-single",
      label: "Who May Discover Real JIDs?",
      values: [config.whois],
      options: [{ label: "Moderators Only", value: "moderators" }, { label: "Anyone", value: "anyone" }],
    },
    {
      var: F.maxUsers,
      type: "list-single",
      label: "Maximum Number of Occupants",
      values: [config.maxUsers >= cap ? "none" : String(config.maxUsers)],
      options: [...sizes.map((n) => ({ label: String(n), value: String(n) })), { label: `None (up to ${cap})`, value: "none" }],
    },
    { var: F.changeSubject, type: "boolean", label: "Allow Occupants to Change Subject?", values: bool(config.changeSubject) },
    { var: F.allowInvites, type: "boolean", label: "Allow Members to Invite Others?", values: bool(config.allowInvites) },
    {
      var: F.allowPm,
      type: "list-single",
      label: "Who Can Send Private Messages?",
      values: [config.allowPm],
      options: [
        { label: "Anyone", value: "anyone" },
        { label: "Anyone with Voice", value: "participants" },
        { label: "Moderators Only", value: "moderators" },
        { label: "Nobody", value: "none" },
      ],
    },
  ];
  return formElement("form", fields, `Configuration for ${room}`, "Complete this form to change the room's configuration.");
}

function refuse(text: string): never {
  throw mucError("not-acceptable", text);
}

function text(fields: Map<string, string[]>, name: string, current: string): string {
  const v = fields.get(name);
  if (v === undefined) return current;
  const s = v.join("\n");
  if (s.length > MAX_TEXT) refuse(`${name} is too long`);
  return s;
}

function flag(fields: Map<string, string[]>, name: string, current: boolean): boolean {
  const v = fields.get(name);
  if (v === undefined) return current;
  return parseBoolean(v) ?? refuse(`${name} must be a boolean`);
}

function choice<T extends string>(fields: Map<string, string[]>, name: string, allowed: readonly T[], current: T): T {
  const v = fields.get(name)?.[0];
  if (v === undefined) return current;
  return (allowed as readonly string[]).includes(v) ? (v as T) : refuse(`${name} must be one of ${allowed.join(", ")}`);
}

function maxUsers(fields: Map<string, string[]>, current: number, cap: number): number {
  const v = fields.get(F.maxUsers)?.[0]?.trim();
  if (v === undefined) return current;
  if (v === "none" || v === "") return cap;
  if (!/^\d{1,9}$/.test(v) || Number(v) < 1 || Number(v) > cap) refuse(`${F.maxUsers} must be between 1 and ${cap}, or none`);
  return Number(v);
}

/** The configuration after a submission; throws not-acceptable for values we cannot honour. */
export function applyConfig(current: RoomConfig, fields: Map<string, string[]>, cap: number): RoomConfig {
  const formType = fields.get("FORM_TYPE")?.[0];
  if (formType !== undefined && formType !== MUC.ROOMCONFIG) throw mucError("bad-request", `Expected a ${MUC.ROOMCONFIG} form`);
  let password = text(fields, F.secret, current.password);
  const wantsPassword = fields.has(F.passwordProtected) ? flag(fields, F.passwordProtected, false) : password !== "";
  if (!wantsPassword) password = "";
  else if (password === "") refuse("A password-protected room needs a password");
  return {
    name: text(fields, F.name, current.name),
    description: text(fields, F.desc, current.description),
    lang: text(fields, F.lang, current.lang),
    persistent: flag(fields, F.persistent, current.persistent),
    public: flag(fields, F.public, current.public),
    membersOnly: flag(fields, F.membersOnly, current.membersOnly),
    moderated: flag(fields, F.moderated, current.moderated),
    password,
    whois: choice(fields, F.whois, WHOIS, current.whois),
    maxUsers: maxUsers(fields, current.maxUsers, cap),
    changeSubject: flag(fields, F.changeSubject, current.changeSubject),
    allowInvites: flag(fields, F.allowInvites, current.allowInvites),
    allowPm: choice(fields, F.allowPm, ALLOW_PM, current.allowPm),
  };
}
