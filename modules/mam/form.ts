/**
 * The query's data form: reading a client's filters, and the blank form a client can fetch.
 *
 * References:
 * - XEP-0313 §4.1 (FORM_TYPE urn:xmpp:mam:2; fields with, start, end, before-id, after-id, ids;
 *   none marked required), §4.1.1 (with), §4.1.2 (start/end: XEP-0082), §4.1.3 (ids: unknown
 *   ones are item-not-found, checked by the caller), §4.1.5 (the form on iq get; an unknown field
 *   is feature-not-implemented; 'ids' is list-multi with an open XEP-0122 validate)
 * - XEP-0004 §3.1 (a submitted form has type 'submit'), XEP-0068 (the hidden FORM_TYPE field)
 */
import type { Element } from "ltx";
import { stanzaError } from "../../lib/errors";
import { JID, tryParseJid } from "../../lib/jid";
import { el } from "../../lib/stanza";
import { findChildren, getText } from "../../lib/xml/element";
import { parseDateTime } from "./datetime";
import { NS_MAM, NS_XDATA, NS_XDATA_VALIDATE } from "./ns";

export interface QueryFilter {
  with?: JID;
  start?: Date;
  end?: Date;
  afterId?: string;
  beforeId?: string;
  ids?: string[];
}

const SINGLE = new Set(["FORM_TYPE", "with", "start", "end", "after-id", "before-id"]);
const KNOWN = new Set([...SINGLE, "ids"]);

function values(field: Element): string[] {
  return findChildren(field, "value", NS_XDATA).map(getText);
}

/** Reads the filters; throws the StanzaError the client should get. `maxIds` bounds the ids list. */
export function parseQueryForm(query: Element, maxIds: number): QueryFilter {
  const forms = findChildren(query, "x", NS_XDATA);
  if (forms.length === 0) return {};
  if (forms.length > 1) throw stanzaError("bad-request", "One data form per query");
  const form = forms[0];
  const type = form.attrs.type as string | undefined;
  // XEP-0004 makes 'type' mandatory; a missing one is read as the submission it has to be.
  if (type !== undefined && type !== "submit") throw stanzaError("bad-request", "The query form must be of type 'submit'");

  const fields = new Map<string, string[]>();
  for (const field of findChildren(form, "field", NS_XDATA)) {
    const name = field.attrs.var as string | undefined;
    if (name === undefined) throw stanzaError("bad-request", "A form field without 'var'");
    if (!KNOWN.has(name)) throw stanzaError("feature-not-implemented", `Unsupported query field '${name}'`);
    if (fields.has(name)) throw stanzaError("bad-request", `Field '${name}' appears twice`);
    const v = values(field);
    if (SINGLE.has(name) && v.length > 1) throw stanzaError("bad-request", `Field '${name}' takes one value`);
    fields.set(name, v);
  }
  // An empty value is what a form library sends for a field left blank: no filter.
  const single = (name: string): string | undefined => {
    const v = fields.get(name)?.[0];
    return v === undefined || v === "" ? undefined : v;
  };

  const formType = single("FORM_TYPE");
  if (formType !== undefined && formType !== NS_MAM) throw stanzaError("bad-request", `FORM_TYPE must be ${NS_MAM}`);

  const filter: QueryFilter = {};
  const withText = single("with");
  if (withText !== undefined) {
    const jid = tryParseJid(withText);
    if (!jid) throw stanzaError("jid-malformed", "The 'with' field is not a valid JID");
    filter.with = jid;
  }
  for (const name of ["start", "end"] as const) {
    const text = single(name);
    if (text === undefined) continue;
    const when = parseDateTime(text);
    if (!when) throw stanzaError("bad-request", `The '${name}' field is not an XEP-0082 DateTime`);
    filter[name] = when;
  }
  filter.afterId = single("after-id");
  filter.beforeId = single("before-id");
  const ids = fields.get("ids");
  if (ids !== undefined) {
    const unique = [...new Set(ids.filter((id) => id !== ""))];
    if (unique.length > maxIds) throw stanzaError("policy-violation", `At most ${maxIds} ids per query`);
    filter.ids = unique;
  }
  for (const k of Object.keys(filter) as (keyof QueryFilter)[]) if (filter[k] === undefined) delete filter[k];
  return filter;
}

/** XEP-0313 §4.1.5: the fields this archive understands. */
export function blankQueryForm(): Element {
  const field = (type: string, name: string, ...children: Element[]) => el("field", { type, var: name }, ...children);
  return el(
    "query",
    { xmlns: NS_MAM },
    el(
      "x",
      { xmlns: NS_XDATA, type: "form" },
      field("hidden", "FORM_TYPE", el("value", {}, NS_MAM)),
      field("jid-single", "with"),
      field("text-single", "start"),
      field("text-single", "end"),
      field("text-single", "before-id"),
      field("text-single", "after-id"),
      field("list-multi", "ids", el("validate", { xmlns: NS_XDATA_VALIDATE, datatype: "xs:string" }, el("open", {}))),
    ),
  );
}
