/**
 * The few XEP-0004 data-form operations the MUC service needs: render a form, read a submission.
 *
 * References:
 * - XEP-0004 §3.1 (form types form/submit/cancel/result), §3.2 (fields), §3.3 (field types;
 *   boolean is "0", "1", "false" or "true")
 * - XEP-0068 §2 (the hidden FORM_TYPE field)
 */
import type { Element } from "ltx";
import { el, getText } from "../../lib/stanza";
import { findChildren } from "../../lib/xml/element";
import { NS_DATA } from "./ns";

export type FieldType = "boolean" | "fixed" | "hidden" | "jid-multi" | "jid-single" | "list-multi" | "list-single" | "text-multi" | "text-private" | "text-single";

export interface Field {
  var?: string;
  type?: FieldType;
  label?: string;
  values?: readonly string[];
  options?: readonly { label?: string; value: string }[];
}

export function formElement(type: "form" | "result", fields: readonly Field[], title?: string, instructions?: string): Element {
  return el(
    "x",
    { xmlns: NS_DATA, type },
    title !== undefined && el("title", {}, title),
    instructions !== undefined && el("instructions", {}, instructions),
    fields.map((f) =>
      el(
        "field",
        { var: f.var, type: f.type, label: f.label },
        (f.values ?? []).map((v) => el("value", {}, v)),
        (f.options ?? []).map((o) => el("option", { label: o.label }, el("value", {}, o.value))),
      ),
    ),
  );
}

export interface Submission {
  type: string;
  /** Values by field var; the last occurrence of a repeated var wins. */
  fields: Map<string, string[]>;
}

export function readSubmission(x: Element): Submission {
  const fields = new Map<string, string[]>();
  for (const f of findChildren(x, "field", NS_DATA)) {
    const name = f.attrs.var as string | undefined;
    if (name === undefined) continue;
    fields.set(name, findChildren(f, "value", NS_DATA).map((v) => getText(v)));
  }
  return { type: (x.attrs.type as string | undefined) ?? "", fields };
}

/** A boolean field's value; undefined when absent or not one of XEP-0004's four spellings. */
export function parseBoolean(values: readonly string[] | undefined): boolean | undefined {
  const v = values?.[0]?.trim();
  if (v === "1" || v === "true") return true;
  if (v === "0" || v === "false") return false;
  return undefined;
}
