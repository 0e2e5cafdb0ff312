/**
 * Data forms as the PEP service reads and writes them: a submitted form becomes a map of field
 * values, and a configuration becomes a form to fill in.
 *
 * References:
 * - XEP-0004 §3.1 (form types), §3.2 (field types; a field without a type is text-single),
 *   §3.3 (a field may carry several values; list-multi and text-multi do)
 * - XEP-0068 §2 (FORM_TYPE, a hidden field naming the form)
 */
import type { Element } from "ltx";
import { el, findChild, findChildren, getText } from "../../lib/xml/element";
import { NS_XDATA } from "./ns";

export interface SubmittedForm {
  formType: string | undefined;
  /** Field var → values; Maps only, since field names come from clients. */
  fields: Map<string, string[]>;
}

/** The first data form among an element's children, or undefined. */
export function findForm(parent: Element | undefined): Element | undefined {
  return parent ? findChild(parent, "x", NS_XDATA) : undefined;
}

export function readForm(x: Element): SubmittedForm {
  const fields = new Map<string, string[]>();
  let formType: string | undefined;
  for (const f of findChildren(x, "field", NS_XDATA)) {
    const name = f.attrs.var as string | undefined;
    if (!name) continue;
    const values = findChildren(f, "value", NS_XDATA).map(getText);
    if (name === "FORM_TYPE") formType = values[0];
    else fields.set(name, values);
  }
  return { formType, fields };
}

export type FieldType = "boolean" | "hidden" | "list-multi" | "list-single" | "text-multi" | "text-single";

export interface FieldSpec {
  name: string;
  type: FieldType;
  label?: string;
  values: string[];
  options?: readonly string[];
}

export function buildForm(type: "form" | "result", formType: string, fields: readonly FieldSpec[]): Element {
  return el(
    "x",
    { xmlns: NS_XDATA, type },
    el("field", { var: "FORM_TYPE", type: "hidden" }, el("value", {}, formType)),
    ...fields.map((f) =>
      el(
        "field",
        { var: f.name, type: f.type, label: f.label },
        ...f.values.map((v) => el("value", {}, v)),
        ...(f.options ?? []).map((o) => el("option", {}, el("value", {}, o))),
      ),
    ),
  );
}

/** XEP-0004 §3.3: boolean values are "0"/"false" and "1"/"true"; anything else is not a boolean. */
export function parseBoolean(v: string | undefined): boolean | undefined {
  if (v === "1" || v === "true") return true;
  if (v === "0" || v === "false") return false;
  return undefined;
}
