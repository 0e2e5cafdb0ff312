/**
 * saxes, made strict in the places where RFC 6120 is stricter than XML and made to stop at the
 * first problem instead of recovering.
 *
 * saxes reports a DOCTYPE, comment or PI only once it has read all of it, and keeps going after an
 * error. We need the opposite: reject the construct at its first character (so a DTD can never be
 * buffered or expanded, and a one-shot write and a byte-by-byte write fail the same way) and stop.
 * So a few saxes state methods are wrapped through the prototype (saxes builds its state table from
 * `this.sX` in its constructor, so subclass prototype methods are the ones it calls), and `reject`
 * must throw: that unwinds saxes mid-chunk.
 *
 * This relies on saxes 6.0.0 internals (state numbers, a few private fields). 6.0.0 is the last
 * release; lib/xml/*.test.ts cover every hook, so an upgrade that moves them fails the tests.
 *
 * References:
 * - RFC 6120 §11.1 (no comments, PIs, DTDs, entity references other than the predefined ones)
 * - RFC 6120 §11.3 (well-formedness), §11.5 (XML declaration)
 * - XML 1.0 §4.1 (character and entity references), WFC: Legal Character, WFC: Entity Declared
 */
import { SaxesParser } from "saxes";
import type { StreamErrorCondition } from "../errors";
import { clip, isXmlChar, isXmlWhitespace } from "./chars";

/** One attribute as written (value already normalized and entity-decoded). */
export interface RawAttr {
  name: string;
  value: string;
}

const NO_ATTRS: RawAttr[] = [];

/** Must not return: throws to unwind saxes. */
export type RejectFn = (condition: StreamErrorCondition, text: string) => never;

type StrictOptions = { xmlns: false; forceXMLVersion: true; defaultXMLVersion: "1.0" };

// saxes 6.0.0 state numbers (see the S_* constants in saxes.js).
export const S_TEXT = 13;
const S_ENTITY = 14;
const S_OPEN_WAKA_BANG = 16;
const S_COMMENT = 17;
const S_CDATA = 20;
const S_DOCTYPE = 2;
const S_PI_FIRST_CHAR = 23;
const S_PI_BODY = 25;
const S_PI_ENDING = 26;

/** The private saxes fields we read or reset. */
export interface SaxesInternals {
  state: number;
  name: string;
  text: string;
  entity: string;
  openWakaBang: string;
  xmlDeclPossible: boolean;
  tags: { name: string }[];
  attribList: RawAttr[];
  chunkPosition: number;
  prevI: number;
  isName: (s: string) => boolean;
}

type Strict = SaxesInternals & { readonly reject: RejectFn; entityScanned: number; lastAttrs: RawAttr[] };

// Characters that can never occur in an entity name or character reference. Seeing one means the
// `&` was bare; saxes itself would keep buffering until some later `;`.
const NOT_IN_ENTITY = /[\t\n\r <>&"'=/]/;
const HEX_REF = /^#x[0-9a-fA-F]+$/;
const DEC_REF = /^#[0-9]+$/;
const CDATA_OPEN = "[CDATA[";

export class StrictSaxes extends SaxesParser<StrictOptions> {
  readonly reject: RejectFn;
  /** How much of the pending entity name has been checked for impossible characters. */
  entityScanned: number;
  /** Attributes of the tag being reported by the opentag event, in document order. */
  lastAttrs: RawAttr[];

  constructor(reject: RejectFn) {
    super({ xmlns: false, forceXMLVersion: true, defaultXMLVersion: "1.0" });
    // Pre-declare every handler slot saxes may assign (deps.md §1.2 pitfall): assigned later one by
    // one via on(), 8+ of them push the parser into V8 dictionary mode and make parsing ~5× slower.
    const self = this as unknown as Record<string, unknown>;
    self.xmldeclHandler = undefined;
    self.textHandler = undefined;
    self.piHandler = undefined;
    self.doctypeHandler = undefined;
    self.commentHandler = undefined;
    self.openTagStartHandler = undefined;
    self.attributeHandler = undefined;
    self.openTagHandler = undefined;
    self.closeTagHandler = undefined;
    self.cdataHandler = undefined;
    self.errorHandler = undefined;
    self.endHandler = undefined;
    self.readyHandler = undefined;
    this.reject = reject;
    this.entityScanned = 0;
    this.lastAttrs = NO_ATTRS;
  }

  /** Global UTF-16 index of the `<` of the tag whose open-tag-start event is being handled. */
  tagStartIndex(nameLength: number): number {
    const self = this as unknown as SaxesInternals;
    // The name was terminated by the character at prevI (space, `>` or `/`); `<` precedes the name.
    return self.chunkPosition + self.prevI - nameLength - 1;
  }

  /** The text saxes holds for the next text event (only meaningful in S_TEXT). */
  get pendingText(): string {
    return (this as unknown as SaxesInternals).text;
  }

  /** Drops pending whitespace between stanzas so keepalives never accumulate. */
  clearPendingText(): void {
    (this as unknown as SaxesInternals).text = "";
  }

  get stateNumber(): number {
    return (this as unknown as SaxesInternals).state;
  }
}

type StateFn = (this: Strict) => void;
const base = SaxesParser.prototype as unknown as Record<string, StateFn>;
const baseParseEntity = (SaxesParser.prototype as unknown as Record<string, (this: Strict, e: string) => string>)
  .parseEntity;
const proto = StrictSaxes.prototype as unknown as Record<string, unknown>;

// Fail at startup, not per connection, if a saxes upgrade renamed what we wrap.
for (const m of ["sOpenWaka", "sPIRest", "sOpenWakaBang", "sText", "sEntity", "parseEntity", "closeTag", "processAttribsPlain"]) {
  if (typeof base[m] !== "function") throw new Error(`saxes internals changed (${m}); update lib/xml/strict-saxes.ts`);
}

const baseOpenWaka = base.sOpenWaka;
proto.sOpenWaka = function sOpenWaka(this: Strict): void {
  baseOpenWaka.call(this);
  // `<?` is only acceptable as the XML declaration at the very start of the stream.
  if (this.state === S_PI_FIRST_CHAR && !this.xmlDeclPossible) {
    this.reject("restricted-xml", "processing instructions (and a late XML declaration) are not allowed");
  }
};

const basePIRest = base.sPIRest;
proto.sPIRest = function sPIRest(this: Strict): void {
  basePIRest.call(this);
  if (this.state === S_PI_BODY || this.state === S_PI_ENDING) {
    this.reject("restricted-xml", "processing instructions are not allowed");
  }
};

const baseOpenWakaBang = base.sOpenWakaBang;
proto.sOpenWakaBang = function sOpenWakaBang(this: Strict): void {
  baseOpenWakaBang.call(this);
  const state = this.state;
  if (state === S_COMMENT || state === S_DOCTYPE) {
    this.reject("restricted-xml", "comments and DTDs are not allowed");
  }
  if (state === S_OPEN_WAKA_BANG) {
    const seen = this.openWakaBang;
    // `<!` opens CDATA, a comment or a markup declaration (DOCTYPE, ENTITY, ...); only CDATA is
    // allowed, and the first character after `<!` already tells them apart.
    if (seen.charCodeAt(0) !== 0x5b) this.reject("restricted-xml", "comments, DTDs and markup declarations are not allowed");
    if (!CDATA_OPEN.startsWith(seen)) this.reject("not-well-formed", "malformed CDATA section");
  }
  // Character data is only allowed inside a stanza; reject CDATA before it buffers anything.
  if (state === S_CDATA && this.tags.length <= 1) this.reject("not-well-formed", "CDATA outside a stanza");
};

const baseText = base.sText;
proto.sText = function sText(this: Strict): void {
  baseText.call(this);
  // Between stanzas (only the stream root open) only whitespace may appear. saxes would report the
  // text at the next `<`; checking here, where the scan stopped, keeps the verdict independent of
  // chunking (e.g. `x&foo;` is not-well-formed, never restricted-xml).
  if (this.tags.length === 1 && this.text.length !== 0 && !isXmlWhitespace(this.text)) {
    this.reject("not-well-formed", "text between stanzas");
  }
};

const baseEntity = base.sEntity;
proto.sEntity = function sEntity(this: Strict): void {
  baseEntity.call(this);
  if (this.state !== S_ENTITY) {
    this.entityScanned = 0;
    return;
  }
  const pending = this.entity;
  if (pending.length > this.entityScanned) {
    if (NOT_IN_ENTITY.test(pending.slice(this.entityScanned))) this.reject("not-well-formed", "bare '&' (use &amp;)");
    this.entityScanned = pending.length;
  }
};

proto.parseEntity = function parseEntity(this: Strict, entity: string): string {
  if (entity.charCodeAt(0) !== 0x23 /* # */) {
    switch (entity) {
      case "amp":
      case "lt":
      case "gt":
      case "quot":
      case "apos":
        return baseParseEntity.call(this, entity);
      default:
        // RFC 6120 §11.1 forbids entity references other than the five predefined ones; the XML
        // view (WFC: Entity Declared) would say not-well-formed. The more specific rule wins.
        if (this.isName(entity)) this.reject("restricted-xml", `undeclared entity reference &${clip(entity)};`);
        this.reject("not-well-formed", "malformed entity reference");
    }
  }
  let cp = NaN;
  if (HEX_REF.test(entity)) cp = parseInt(entity.slice(2), 16);
  else if (DEC_REF.test(entity)) cp = parseInt(entity.slice(1), 10);
  if (!isXmlChar(cp)) this.reject("not-well-formed", `illegal character reference &${clip(entity, 16)};`);
  return String.fromCodePoint(cp);
};

const baseCloseTag = (SaxesParser.prototype as unknown as Record<string, StateFn>).closeTag;
proto.closeTag = function closeTag(this: Strict): void {
  // saxes pops (and reports closing) non-matching elements before it fails, which would emit a
  // half-read stanza or end the stream on `</foo>`. Check the match first.
  const tags = this.tags;
  const top = tags.length === 0 ? undefined : tags[tags.length - 1];
  if (top === undefined) this.reject("not-well-formed", `stray end tag </${clip(this.name)}>`);
  if (top.name !== this.name) {
    this.reject("not-well-formed", `end tag </${clip(this.name)}> does not match <${clip(top.name)}>`);
  }
  baseCloseTag.call(this);
};

// saxes would copy the attributes into a null-prototype dictionary (slow to build and to iterate)
// just to find duplicates; keep the list instead and check duplicates on it.
proto.processAttribsPlain = function processAttribsPlain(this: Strict): void {
  const list = this.attribList;
  const n = list.length;
  if (n === 0) {
    this.lastAttrs = NO_ATTRS;
    return;
  }
  if (n <= 16) {
    for (let i = 1; i < n; i++) {
      const name = list[i].name;
      for (let j = 0; j < i; j++) if (list[j].name === name) this.reject("not-well-formed", `duplicate attribute ${clip(name)}`);
    }
  } else {
    const seen = new Set<string>();
    for (const a of list) {
      if (seen.has(a.name)) this.reject("not-well-formed", `duplicate attribute ${clip(a.name)}`);
      seen.add(a.name);
    }
  }
  this.lastAttrs = list;
  this.attribList = [];
};
