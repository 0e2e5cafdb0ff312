/**
 * Result Set Management as the archive uses it: the page a client asks for, and the <set/> that
 * describes the page it got.
 *
 * References:
 * - XEP-0059 §2.1 (<max/>), §2.2 (<after/>: the next page; <first index/>, <last/>, <count/>; an
 *   empty page carries only <count/>), §2.3 (<before/>: the previous page), §2.5 (empty <before/>:
 *   the last page), §2.6 (<index/>: feature-not-implemented where not supported), §2.7 (<max>0</max>)
 * - XEP-0313 §4.3 (RSM ids are archive ids), §4.3.3 (the last page)
 */
import type { Element } from "ltx";
import { stanzaError } from "../../lib/errors";
import { el } from "../../lib/stanza";
import { findChild, findChildren, getText } from "../../lib/xml/element";
import { NS_RSM } from "./ns";

export interface PageRequest {
  max?: number;
  after?: string;
  /** An archive id, or "" for XEP-0059's empty <before/>: the page at the end. */
  before?: string;
}

export function parsePageRequest(query: Element): PageRequest {
  const sets = findChildren(query, "set", NS_RSM);
  if (sets.length === 0) return {};
  if (sets.length > 1) throw stanzaError("bad-request", "One RSM <set/> per query");
  const set = sets[0];
  if (findChild(set, "index", NS_RSM)) throw stanzaError("feature-not-implemented", "RSM <index/> is not supported; page with <after/> and <before/>");
  const page: PageRequest = {};
  const max = findChild(set, "max", NS_RSM);
  if (max) {
    const text = getText(max).trim();
    if (!/^\d{1,9}$/.test(text)) throw stanzaError("bad-request", "RSM <max/> must be a non-negative integer");
    page.max = Number(text);
  }
  const after = findChild(set, "after", NS_RSM);
  // An empty <after/> names no item, so it moves no cursor.
  if (after && getText(after) !== "") page.after = getText(after);
  const before = findChild(set, "before", NS_RSM);
  if (before) page.before = getText(before);
  return page;
}

export interface PageDescription {
  first?: { id: string; index?: number };
  last?: string;
  count?: number;
}

export function resultSet(d: PageDescription): Element {
  return el(
    "set",
    { xmlns: NS_RSM },
    d.first && el("first", { index: d.first.index }, d.first.id),
    d.last !== undefined && el("last", {}, d.last),
    d.count !== undefined && el("count", {}, String(d.count)),
  );
}
