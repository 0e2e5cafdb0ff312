/**
 * Node configuration: the defaults a PEP node starts with, the node_config fields this service
 * understands, and how submitted forms (configure, create-and-configure, publish-options) are
 * checked and applied.
 *
 * References:
 * - XEP-0060 §4.5 (access models), §8.2 (configure a node; invalid values: not-acceptable),
 *   §16.4.3 (the pubsub#node_config FORM_TYPE and its fields)
 * - XEP-0060 §7.1.5 (publish-options: a service advertising it MUST reject unknown fields; a
 *   precondition is compared with the node's configuration)
 * - XEP-0163 §5 (PEP defaults: access model presence, deliver notifications and payloads, send the
 *   last published item on subscription and presence)
 * - XEP-0223 §4, XEP-0402 §5 (private data: persist_items, max_items "max", whitelist,
 *   send_last_published_item never, given as publish-options)
 */
import { stanzaError } from "../../lib/errors";
import { buildForm, FieldSpec, FieldType, parseBoolean, SubmittedForm } from "./forms";

export const ACCESS_MODELS = ["open", "presence", "roster", "whitelist"] as const;
export type AccessModel = (typeof ACCESS_MODELS)[number];
const SEND_LAST = ["never", "on_sub", "on_sub_and_presence"] as const;
const NOTIFICATION_TYPES = ["headline", "normal"] as const;

export interface NodeConfig {
  title: string;
  description: string;
  access_model: AccessModel;
  roster_groups_allowed: string[];
  persist_items: boolean;
  /** "max" is the server's limit, whatever it is configured to at the time. */
  max_items: number | "max";
  send_last_published_item: (typeof SEND_LAST)[number];
  deliver_notifications: boolean;
  deliver_payloads: boolean;
  notify_retract: boolean;
  notify_delete: boolean;
  notification_type: (typeof NOTIFICATION_TYPES)[number];
}

export const DEFAULT_CONFIG: Readonly<NodeConfig> = {
  title: "",
  description: "",
  access_model: "presence",
  roster_groups_allowed: [],
  persist_items: true,
  max_items: 1,
  send_last_published_item: "on_sub_and_presence",
  deliver_notifications: true,
  deliver_payloads: true,
  notify_retract: true,
  notify_delete: true,
  notification_type: "headline",
};

export interface ConfigLimits {
  /** The most items a node may keep (what "max" means). */
  maxItems: number;
  /** Longest text value (title, description, a roster group name). */
  maxText: number;
}

export function effectiveMaxItems(c: NodeConfig, limits: ConfigLimits): number {
  return c.max_items === "max" ? limits.maxItems : Math.min(c.max_items, limits.maxItems);
}

interface FieldDef {
  key: keyof NodeConfig;
  type: FieldType;
  label: string;
  options?: readonly string[];
  /** The value a submitted field stands for, or undefined when it is not acceptable. */
  parse(values: string[], limits: ConfigLimits): NodeConfig[keyof NodeConfig] | undefined;
  render(c: NodeConfig): string[];
}

const single = (values: string[]) => (values.length <= 1 ? (values[0] ?? "") : undefined);

function bool(key: keyof NodeConfig, label: string): FieldDef {
  return {
    key,
    type: "boolean",
    label,
    parse: (v) => {
      const s = single(v);
      return s === undefined ? undefined : parseBoolean(s);
    },
    render: (c) => [c[key] ? "1" : "0"],
  };
}

function choice(key: keyof NodeConfig, label: string, options: readonly string[]): FieldDef {
  return {
    key,
    type: "list-single",
    label,
    options,
    parse: (v) => {
      const s = single(v);
      return s !== undefined && options.includes(s) ? s : undefined;
    },
    render: (c) => [String(c[key])],
  };
}

function text(key: "title" | "description", label: string): FieldDef {
  return {
    key,
    type: "text-single",
    label,
    parse: (v, l) => {
      const s = single(v);
      return s !== undefined && s.length <= l.maxText ? s : undefined;
    },
    render: (c) => (c[key] ? [c[key]] : []),
  };
}

const FIELDS: readonly FieldDef[] = [
  text("title", "A friendly name for the node"),
  text("description", "A description of the node"),
  choice("access_model", "Who may subscribe and retrieve items", ACCESS_MODELS),
  {
    key: "roster_groups_allowed",
    type: "text-multi",
    label: "Roster groups allowed to subscribe (access model roster)",
    parse: (v, l) => (v.length <= 100 && v.every((g) => g.length > 0 && g.length <= l.maxText) ? [...new Set(v)] : undefined),
    render: (c) => c.roster_groups_allowed,
  },
  bool("persist_items", "Persist items to storage"),
  {
    key: "max_items",
    type: "text-single",
    label: "Maximum number of items to persist (or max)",
    parse: (v, l) => {
      const s = single(v);
      if (s === "max") return "max";
      if (s === undefined || !/^\d{1,9}$/.test(s)) return undefined;
      const n = Number(s);
      return n >= 1 && n <= l.maxItems ? n : undefined;
    },
    render: (c) => [String(c.max_items)],
  },
  choice("send_last_published_item", "When to send the last published item", SEND_LAST),
  bool("deliver_notifications", "Deliver event notifications"),
  bool("deliver_payloads", "Deliver payloads with event notifications"),
  bool("notify_retract", "Notify subscribers when items are removed from the node"),
  bool("notify_delete", "Notify subscribers when the node is deleted"),
  choice("notification_type", "The message type of event notifications", NOTIFICATION_TYPES),
];

const BY_VAR = new Map(FIELDS.map((f) => [`pubsub#${f.key}`, f]));

/** The submitted fields as configuration values; any unknown field or unacceptable value is refused. */
export function parseConfigFields(form: SubmittedForm, limits: ConfigLimits): Partial<NodeConfig> {
  const out: Partial<Record<keyof NodeConfig, unknown>> = {};
  for (const [name, values] of form.fields) {
    const def = BY_VAR.get(name);
    if (!def) throw stanzaError("not-acceptable", `Unsupported node configuration field ${name}`);
    const value = def.parse(values, limits);
    if (value === undefined) throw stanzaError("not-acceptable", `Unacceptable value for ${name}`);
    out[def.key] = value;
  }
  return out as Partial<NodeConfig>;
}

export function withConfig(base: NodeConfig, changes: Partial<NodeConfig>): NodeConfig {
  return { ...base, ...changes, roster_groups_allowed: [...(changes.roster_groups_allowed ?? base.roster_groups_allowed)] };
}

function sameValue(key: keyof NodeConfig, a: unknown, b: unknown, limits: ConfigLimits): boolean {
  if (key === "max_items") {
    const n = (v: unknown) => (v === "max" ? limits.maxItems : v);
    return n(a) === n(b);
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x) => b.includes(x));
  return a === b;
}

/** XEP-0060 §7.1.5: every option given as a precondition matches the node's configuration. */
export function meetsPreconditions(config: NodeConfig, wanted: Partial<NodeConfig>, limits: ConfigLimits): boolean {
  return (Object.keys(wanted) as (keyof NodeConfig)[]).every((k) => sameValue(k, config[k], wanted[k], limits));
}

export function configForm(c: NodeConfig, formType: string): ReturnType<typeof buildForm> {
  const fields: FieldSpec[] = FIELDS.map((f) => ({ name: `pubsub#${f.key}`, type: f.type, label: f.label, options: f.options, values: f.render(c) }));
  return buildForm("form", formType, fields);
}

/** What is kept in storage comes back through the same checks as a form, so a bad row cannot widen access. */
export function configFromJson(json: unknown, limits: ConfigLimits): NodeConfig {
  const c = withConfig(DEFAULT_CONFIG, {});
  if (!json || typeof json !== "object" || Array.isArray(json)) return c;
  const raw = json as Record<string, unknown>;
  for (const def of FIELDS) {
    const v = raw[def.key];
    if (v === undefined) continue;
    const values = Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [typeof v === "boolean" ? (v ? "1" : "0") : String(v)];
    const parsed = def.parse(values, { ...limits, maxItems: Number.MAX_SAFE_INTEGER });
    if (parsed !== undefined) (c as unknown as Record<string, unknown>)[def.key] = parsed;
  }
  return c;
}
