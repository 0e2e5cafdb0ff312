/**
 * The XMPP stream parser: bytes in, one stream header, then one ltx Element per top-level child.
 *
 * Pipeline per write: bounded byte slices → strict streaming UTF-8 check and decode → StrictSaxes → our
 * namespace layer → ltx Elements. Slices are cut so that a size limit is crossed exactly at a slice
 * end, which is where the byte limits are checked; a 10 MB write therefore costs at most one limit
 * of buffering. Everything fatal is reported once through handler.error and the parser goes dead.
 *
 * References:
 * - RFC 6120 §4.2–4.4 (stream open/close), §4.6.1 (whitespace keepalives), §4.8 (namespaces),
 *   §4.9.3 (stream error conditions), §11 (XML usage), §13.12 (denial of service)
 * - XEP-0205 §4.5–4.6 (stanza size and depth limits)
 */
import { isUtf8 } from "node:buffer";
import { TextDecoder } from "node:util";
import { Element } from "ltx";
import type { AppCondition, StreamErrorCondition } from "../errors";
import { NS } from "./ns";
import { clip, isXmlWhitespace, setOwn } from "./chars";
import { DEFAULT_LIMITS, mergeLimits, type ParserLimits } from "./limits";
import { ROOT_SCOPE, declsToRecord, resolveTag, type NsScope } from "./namespaces";
import { S_TEXT, StrictSaxes, type RawAttr } from "./strict-saxes";
import { firstInvalidUtf8, incompleteTail } from "./utf8";

export type { ParserLimits } from "./limits";
export { DEFAULT_LIMITS } from "./limits";

export interface StreamHeader {
  /** Local name, e.g. "stream". */
  name: string;
  /** Resolved namespace of the root element (should be NS.STREAM; the stream layer checks). */
  ns: string;
  /** Non-declaration attributes by qualified name ("to", "from", "version", "xml:lang", "id"). */
  attrs: Record<string, string>;
  /** The `xmlns="..."` declared on the header, if any. */
  defaultNs: string | undefined;
  /** prefix → namespace declared on the header (e.g. stream, db). */
  prefixes: Record<string, string>;
}

export interface ParseError {
  condition: StreamErrorCondition;
  text: string;
  app?: AppCondition;
}

export interface XmlStreamHandler {
  streamStart(header: StreamHeader): void;
  /** Each complete top-level child. */
  element(el: Element): void;
  /** `</stream:stream>` was read; later input is ignored. */
  streamEnd(): void;
  /** Fatal: after this the parser ignores all further input. */
  error(err: ParseError): void;
}

export const STANZA_TOO_BIG: AppCondition = Object.freeze({ name: "stanza-too-big", xmlns: NS.XMPP_ERRORS });

/** Thrown through saxes to stop it mid-chunk; never escapes write(). */
const ABORT = { abort: true } as const;

const MAX_SLICE = 16384;
/** Thrown by decodeUtf8(); never escapes feedSlice(). */
const INVALID_UTF8 = { invalidUtf8: true } as const;

/**
 * Idle parsers give their SAX machinery back (see hibernate()). One shared, unref'd interval looks
 * at the parsers written to recently: one not written to for a whole period is put to sleep if it
 * can be, and is no longer watched either way, so the set never holds a parser whose connection is
 * gone for more than two periods.
 */
const SWEEP_MS = 5000;
const watched = new Set<XmlStreamParser>();
let sweepTimer: NodeJS.Timeout | undefined;

function watch(p: XmlStreamParser): void {
  watched.add(p);
  if (sweepTimer === undefined) {
    sweepTimer = setInterval(sweepIdleParsers, SWEEP_MS);
    sweepTimer.unref();
  }
}

function sweepIdleParsers(): void {
  for (const p of watched) if (p.sweep()) watched.delete(p);
  if (watched.size === 0 && sweepTimer !== undefined) {
    clearInterval(sweepTimer);
    sweepTimer = undefined;
  }
}

/** Parsers the sweep is watching (tests and diagnostics). */
export function watchedParserCount(): number {
  return watched.size;
}

const enum Phase {
  Header,
  Open,
  Closed,
}

export class XmlStreamParser {
  private readonly handler: XmlStreamHandler;
  private limits: Required<ParserLimits>;
  private textExplicit: boolean;

  /** null while hibernating; the saxes event handlers only run while it is set. */
  private sx!: StrictSaxes | null;
  /** Qualified name of the stream root as the peer wrote it, to re-open it after hibernation. */
  private rootName = "";
  /** Written to since the last sweep. */
  private touched = false;
  /** In the shared sweep's set. */
  private isWatched = false;
  /** A byte order mark may still start the stream (and is then dropped, as TextDecoder would). */
  private bomPossible!: boolean;
  private phase!: Phase;
  /** Input is ignored: failed, closed by </stream:stream>, or ended. */
  private dead: boolean;
  private hasFailed: boolean;
  private writing: boolean;
  private queue: Uint8Array[];
  private endQueued: boolean;

  // Byte accounting. Indexes are in the decoded UTF-16 stream (saxes' `position` space); byte
  // offsets are UTF-8 bytes of the decoded stream since the last reset.
  private rawBytes!: number;
  /** The bytes of an incomplete trailing UTF-8 sequence (at most 3), packed big-endian. */
  private tail!: number;
  private tailLen!: number;
  private decodedChars!: number;
  private decodedBytes!: number;
  private piece!: string;
  private pieceStart!: number;
  private cursorChar!: number;
  private cursorByte!: number;
  /** Where the whitespace between stanzas began; everything from there to the next `<` is ASCII. */
  private gapChar!: number;
  private gapByte!: number;
  private stanzaByte!: number;

  // Tree under construction; index 0 is the stanza.
  private stack!: Element[];
  private nsStack!: string[];
  private scopeStack!: NsScope[];
  private headerScope!: NsScope;
  private attrCount!: number;
  private elementCount!: number;
  private textEl!: Element | null;
  private textBytes!: number;

  constructor(handler: XmlStreamHandler, limits?: Partial<ParserLimits>) {
    this.handler = handler;
    const merged = mergeLimits(DEFAULT_LIMITS, limits, false);
    this.limits = merged.limits;
    this.textExplicit = merged.textExplicit;
    this.dead = false;
    this.hasFailed = false;
    this.writing = false;
    this.queue = [];
    this.endQueued = false;
    this.init();
  }

  get failed(): boolean {
    return this.hasFailed;
  }

  /** Current limits (after setLimits). */
  get currentLimits(): Readonly<Required<ParserLimits>> {
    return this.limits;
  }

  /** Takes effect immediately, also for the stanza being read. */
  setLimits(limits: Partial<ParserLimits>): void {
    const merged = mergeLimits(this.limits, limits, this.textExplicit);
    this.limits = merged.limits;
    this.textExplicit = merged.textExplicit;
  }

  /**
   * Starts a new stream (after STARTTLS or SASL success). Input still unread from the current write
   * is dropped: after <starttls/> it is plaintext that must not be interpreted (CVE-2011-0411 class).
   * Also clears a previous failure.
   */
  reset(): void {
    this.queue = [];
    this.endQueued = false;
    this.dead = false;
    this.hasFailed = false;
    this.init();
  }

  /** Never throws; problems go to handler.error, once. */
  write(chunk: Buffer | Uint8Array): void {
    if (this.writing) {
      // Called from inside a handler: keep order by finishing the current chunk first.
      this.queue.push(chunk);
      return;
    }
    this.writing = true;
    this.touched = true;
    if (!this.isWatched) {
      this.isWatched = true;
      watch(this);
    }
    try {
      this.feed(chunk);
      while (this.queue.length > 0) this.feed(this.queue.shift()!);
      if (this.endQueued) {
        this.endQueued = false;
        this.finish();
      }
    } finally {
      this.writing = false;
    }
  }

  /** The input is closed. Reports not-well-formed if it stopped inside markup or a stanza. */
  end(): void {
    if (this.writing) {
      this.endQueued = true;
      return;
    }
    this.writing = true;
    try {
      this.finish();
    } finally {
      this.writing = false;
    }
  }

  /**
   * Frees the SAX parser (a few KiB, most of an idle connection's parsing state) while the stream
   * sits between stanzas with nothing pending; the next write() re-creates it, primed with the open
   * stream root, so parsing goes on exactly as before. Returns whether it now sleeps. Called by the
   * shared sweep for parsers idle for a whole period; the cost is one new parser per wake-up.
   */
  hibernate(): boolean {
    const sx = this.sx;
    if (sx === null || this.writing || this.dead || this.phase !== Phase.Open) return false;
    if (this.stack.length !== 0 || this.tailLen !== 0 || sx.stateNumber !== S_TEXT || sx.pendingText.length !== 0) return false;
    this.sx = null;
    // Empty already, but they keep the capacity the deepest stanza gave them.
    this.stack = [];
    this.nsStack = [];
    this.scopeStack = [];
    return true;
  }

  /** Whether hibernate() has freed the SAX parser (tests and diagnostics). */
  get hibernating(): boolean {
    return this.sx === null;
  }

  /** @internal For the shared sweep: true when this parser no longer needs watching. */
  sweep(): boolean {
    if (this.touched && !this.dead) {
      this.touched = false;
      return false;
    }
    if (this.writing) return false;
    // Idle for a whole period. Dead parsers drop saxes too: nothing more will be parsed, but the
    // parser may live on with its session for a while. One that cannot sleep (mid-stanza, before
    // the header) stays as it is; the next write watches it again.
    if (this.dead) this.sx = null;
    else this.hibernate();
    this.isWatched = false;
    return true;
  }

  private wake(): void {
    const sx = new StrictSaxes(this.rejectFn);
    // Written before any handler is attached, so nothing is reported: saxes is left inside the
    // root element, which is all it needs to know about the stream (namespaces are our own layer).
    const primer = `<${this.rootName}>`;
    sx.write(primer);
    this.listen(sx);
    this.sx = sx;
    const chars = primer.length;
    const bytes = Buffer.byteLength(primer, "utf8");
    this.decodedChars = chars;
    this.decodedBytes = bytes;
    this.piece = "";
    this.pieceStart = chars;
    this.cursorChar = chars;
    this.cursorByte = bytes;
    this.gapChar = chars;
    this.gapByte = bytes;
  }

  private init(): void {
    const sx = new StrictSaxes(this.rejectFn);
    this.listen(sx);
    this.sx = sx;
    this.initState();
  }

  private listen(sx: StrictSaxes): void {
    sx.on("xmldecl", (decl) => this.onXmlDecl(decl.version, decl.encoding));
    sx.on("opentagstart", (tag) => this.onOpenTagStart(tag.name));
    sx.on("attribute", () => {
      if (++this.attrCount > this.limits.maxAttributes) {
        this.reject("policy-violation", `more than ${this.limits.maxAttributes} attributes on one element`);
      }
    });
    sx.on("opentag", (tag) => this.onOpenTag(tag.name, sx.lastAttrs));
    sx.on("closetag", () => this.onCloseTag());
    sx.on("text", (text) => this.onText(text));
    sx.on("cdata", (text) => this.onCdata(text));
    // Unreachable through our hooks, but a DTD/comment/PI must never pass silently.
    sx.on("doctype", () => this.reject("restricted-xml", "DTDs are not allowed"));
    sx.on("comment", () => this.reject("restricted-xml", "comments are not allowed"));
    sx.on("processinginstruction", () => this.reject("restricted-xml", "processing instructions are not allowed"));
    sx.on("error", (err) => this.reject("not-well-formed", clip(err.message, 200)));
  }

  private initState(): void {
    this.bomPossible = true;
    this.phase = Phase.Header;
    this.rawBytes = 0;
    this.tail = 0;
    this.tailLen = 0;
    this.decodedChars = 0;
    this.decodedBytes = 0;
    this.piece = "";
    this.pieceStart = 0;
    this.cursorChar = 0;
    this.cursorByte = 0;
    this.gapChar = 0;
    this.gapByte = 0;
    this.stanzaByte = 0;
    this.stack = [];
    this.nsStack = [];
    this.scopeStack = [];
    this.headerScope = ROOT_SCOPE;
    this.attrCount = 0;
    this.elementCount = 0;
    this.textEl = null;
    this.textBytes = 0;
  }

  // ---- input ----

  private feed(chunk: Uint8Array): void {
    if (this.dead) return;
    if (this.sx === null) this.wake();
    const sx = this.sx;
    let off = 0;
    try {
      while (off < chunk.length) {
        if (this.dead || this.sx !== sx) return;
        const n = Math.min(chunk.length - off, this.sliceBudget());
        this.feedSlice(chunk.subarray(off, off + n));
        off += n;
      }
    } catch (e) {
      if (e === ABORT) return;
      // A bug in a handler or here: fail this stream only, never the process (reliability.md §8).
      this.report("internal-server-error", e instanceof Error ? e.message : String(e));
    }
  }

  /** Largest next slice such that any byte limit is crossed exactly at its end. */
  private sliceBudget(): number {
    const lim = this.limits;
    let room: number;
    if (this.phase === Phase.Header) room = lim.maxHeaderBytes - this.decodedBytes;
    else if (this.stack.length > 0) room = lim.maxStanzaBytes - (this.decodedBytes - this.stanzaByte);
    else room = lim.maxStanzaBytes - (this.decodedBytes - this.gapByte);
    return Math.max(1, Math.min(MAX_SLICE, room + 1));
  }

  private feedSlice(bytes: Uint8Array): void {
    if (this.rawBytes < 4) {
      const bad = this.sniff(bytes);
      if (bad >= 0) {
        // Process what precedes the offending byte first, as a byte-by-byte writer would.
        if (bad > 0) this.feedSlice(bytes.subarray(0, bad));
        this.reject("unsupported-encoding", "only UTF-8 is supported");
      }
    }
    let text: string;
    try {
      text = this.decodeUtf8(bytes);
    } catch {
      this.salvage(bytes);
    }
    this.rawBytes += bytes.length;
    this.feedText(text);
  }

  private feedText(text: string): void {
    if (text.length === 0) return;
    this.piece = text;
    this.pieceStart = this.decodedChars;
    this.cursorChar = this.decodedChars;
    this.cursorByte = this.decodedBytes;
    this.sx!.write(text);
    const end = this.decodedChars + text.length;
    this.decodedBytes = this.byteAt(end);
    this.decodedChars = end;
    this.afterSlice();
  }

  /**
   * Streaming, fatal UTF-8 decoding: the bytes of an incomplete trailing sequence wait for the next
   * slice. Throws INVALID_UTF8 as soon as a sequence can no longer become valid (as a fatal
   * TextDecoder would), leaving the held-back tail untouched for salvage(). Not a TextDecoder: that
   * holds a native ICU converter per stream, for every idle connection.
   */
  private decodeUtf8(bytes: Uint8Array): string {
    let input = bytes;
    if (this.tailLen > 0) input = this.withTail(bytes);
    const t = incompleteTail(input);
    const end = input.length - t;
    const whole = input.subarray(0, end);
    if (!isUtf8(whole) || (t > 0 && firstInvalidUtf8(input.subarray(end)) >= 0)) throw INVALID_UTF8;
    let tail = 0;
    for (let i = 0; i < t; i++) tail = (tail << 8) | input[end + i];
    this.tail = tail;
    this.tailLen = t;
    if (end === 0) return "";
    let text = Buffer.from(whole.buffer, whole.byteOffset, end).toString("utf8");
    if (this.bomPossible) {
      this.bomPossible = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return text;
  }

  /** The held-back tail followed by `bytes`. */
  private withTail(bytes: Uint8Array): Uint8Array {
    const n = this.tailLen;
    const all = new Uint8Array(n + bytes.length);
    for (let i = 0; i < n; i++) all[i] = (this.tail >>> (8 * (n - 1 - i))) & 0xff;
    all.set(bytes, n);
    return all;
  }

  /**
   * The decoder rejects a whole slice; process its valid prefix first so that what is emitted before
   * the error does not depend on how the input was split, then fail.
   */
  private salvage(bytes: Uint8Array): never {
    const all = this.withTail(bytes);
    const bad = firstInvalidUtf8(all);
    if (bad > 0) {
      const atStart = this.rawBytes === this.tailLen;
      let text = "";
      try {
        text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: !atStart }).decode(all.subarray(0, bad));
      } catch {
        // Disagreement with the decoder: report the error without the prefix.
      }
      this.feedText(text);
    }
    this.reject("not-well-formed", "invalid UTF-8");
  }

  /**
   * RFC 6120 §11.6: UTF-8 only. UTF-16/32 show up as a BOM or NUL bytes around the first `<`.
   * Returns the index of the byte that gives it away, or -1.
   */
  private sniff(bytes: Uint8Array): number {
    const n = Math.min(bytes.length, 4 - this.rawBytes);
    for (let i = 0; i < n; i++) {
      const b = bytes[i];
      if (b === 0 || ((b === 0xfe || b === 0xff) && this.rawBytes + i === 0)) return i;
    }
    return -1;
  }

  /** UTF-8 offset of decoded index `pos`, which lies in the current piece (queries are monotonic). */
  private byteAt(pos: number): number {
    if (pos > this.cursorChar) {
      const from = this.cursorChar - this.pieceStart;
      this.cursorByte += Buffer.byteLength(this.piece.slice(from, pos - this.pieceStart), "utf8");
      this.cursorChar = pos;
    } else if (pos < this.cursorChar) {
      // Not expected: saxes reports events in input order. Stay correct anyway.
      const back = Buffer.byteLength(this.piece.slice(Math.max(0, pos - this.pieceStart), this.cursorChar - this.pieceStart), "utf8");
      return this.cursorByte - back;
    }
    return this.cursorByte;
  }

  private afterSlice(): void {
    const lim = this.limits;
    if (this.phase === Phase.Header) {
      if (this.decodedBytes > lim.maxHeaderBytes) {
        this.reject("policy-violation", `stream header larger than ${lim.maxHeaderBytes} bytes`);
      }
    } else if (this.stack.length > 0) {
      if (this.decodedBytes - this.stanzaByte > lim.maxStanzaBytes) this.tooBig();
    } else if (this.sx!.stateNumber === S_TEXT) {
      // Idle between stanzas: only whitespace may be pending. Drop it so keepalives never pile up.
      const pending = this.sx!.pendingText;
      if (pending.length !== 0) {
        if (!isXmlWhitespace(pending)) this.reject("not-well-formed", "text between stanzas");
        this.sx!.clearPendingText();
      }
      this.gapChar = this.decodedChars;
      this.gapByte = this.decodedBytes;
    } else {
      // Markup has begun between stanzas (a tag name, an entity...): measure from its first
      // character, which does not depend on where earlier slices ended.
      this.skipGapWhitespace();
      if (this.decodedBytes - this.gapByte > lim.maxStanzaBytes) this.tooBig();
    }
  }

  /** Moves the gap start to the first non-whitespace character of the current piece, if it is there. */
  private skipGapWhitespace(): void {
    if (this.gapChar < this.pieceStart) return;
    const piece = this.piece;
    let i = this.gapChar - this.pieceStart;
    while (i < piece.length) {
      const c = piece.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d) break;
      i++;
    }
    const at = this.pieceStart + i;
    this.gapByte += at - this.gapChar;
    this.gapChar = at;
  }

  private finish(): void {
    if (this.dead) return;
    if (this.tailLen > 0) {
      this.report("not-well-formed", "input ended inside a UTF-8 sequence");
      return;
    }
    const sx = this.sx;
    // A hibernating parser is idle by construction.
    const idle = sx === null || (this.stack.length === 0 && sx.stateNumber === S_TEXT && isXmlWhitespace(sx.pendingText));
    if (this.phase === Phase.Header ? this.rawBytes > 0 : !idle) {
      this.report("not-well-formed", "input ended inside the stream header or a stanza");
      return;
    }
    this.dead = true;
  }

  // ---- saxes events ----

  private onXmlDecl(version: string | undefined, encoding: string | undefined): void {
    if (encoding !== undefined && encoding.toLowerCase() !== "utf-8") {
      this.reject("unsupported-encoding", `encoding '${clip(encoding)}' is not supported; use UTF-8`);
    }
    // XMPP is XML 1.0 only (RFC 6120 §11.4); we will not guess at 1.1 semantics.
    if (version !== "1.0") this.reject("not-well-formed", "only XML version 1.0 is supported");
  }

  private onOpenTagStart(name: string): void {
    this.attrCount = 0;
    if (this.phase === Phase.Header) return;
    const lim = this.limits;
    const depth = this.stack.length + 1;
    if (depth > lim.maxDepth) this.reject("policy-violation", `elements nested deeper than ${lim.maxDepth}`);
    if (depth === 1) {
      // Everything since gapChar was whitespace (anything else was rejected), i.e. one byte per index.
      const start = this.sx!.tagStartIndex(name.length);
      this.stanzaByte = this.gapByte + (start - this.gapChar);
      this.elementCount = 0;
    }
    if (++this.elementCount > lim.maxElements) this.reject("policy-violation", `more than ${lim.maxElements} elements in one stanza`);
  }

  private onOpenTag(name: string, raw: readonly RawAttr[]): void {
    if (this.phase === Phase.Header) {
      this.openStream(name, raw);
      return;
    }
    const depth = this.stack.length;
    const parent = depth === 0 ? null : this.stack[depth - 1];
    const r = resolveTag(
      name,
      raw,
      depth === 0 ? this.headerScope : this.scopeStack[depth - 1],
      parent === null ? null : this.nsStack[depth - 1],
      this.rejectFn,
    );
    if (parent === null && r.local === "stream" && r.ns === NS.STREAM) {
      // A stream restart is only valid after reset(); otherwise this "stanza" would never end and
      // hold the connection until a size limit trips (XML-18).
      this.reject("unsupported-stanza-type", "a new stream header is only allowed after a stream restart");
    }
    const el = new Element(r.local);
    // Assigned, not passed to the constructor: ltx copies with Object.assign, which would route an
    // attribute named __proto__ into the prototype setter and lose it.
    el.attrs = r.attrs;
    if (parent !== null) {
      parent.children.push(el);
      el.parent = parent;
    }
    this.stack.push(el);
    this.nsStack.push(r.ns);
    this.scopeStack.push(r.scope);
  }

  private openStream(name: string, raw: readonly RawAttr[]): void {
    const r = resolveTag(name, raw, ROOT_SCOPE, null, this.rejectFn);
    const end = this.sx!.position;
    const endByte = this.byteAt(end);
    if (endByte > this.limits.maxHeaderBytes) {
      this.reject("policy-violation", `stream header larger than ${this.limits.maxHeaderBytes} bytes`);
    }
    const attrs: Record<string, string> = {};
    let defaultNs: string | undefined;
    for (const { name: an, value } of raw) {
      if (an === "xmlns") defaultNs = value;
      else if (!an.startsWith("xmlns:")) setOwn(attrs, an, value);
    }
    this.phase = Phase.Open;
    // A copy: a slice would keep the whole chunk it came from alive for the life of the stream.
    this.rootName = Buffer.from(name, "utf8").toString("utf8");
    this.headerScope = r.scope;
    this.gapChar = end;
    this.gapByte = endByte;
    const header: StreamHeader = { name: r.local, ns: r.ns, attrs, defaultNs, prefixes: declsToRecord(r.scope) };
    this.callHandler(() => this.handler.streamStart(header));
  }

  private onCloseTag(): void {
    const depth = this.stack.length;
    if (depth === 0) {
      // </stream:stream> (saxes already checked that it matches the root). Nothing after it counts.
      this.phase = Phase.Closed;
      this.dead = true;
      this.callHandler(() => this.handler.streamEnd());
      throw ABORT;
    }
    const el = this.stack.pop()!;
    this.nsStack.pop();
    this.scopeStack.pop();
    this.textEl = null;
    if (depth !== 1) return;
    const end = this.sx!.position;
    const endByte = this.byteAt(end);
    if (endByte - this.stanzaByte > this.limits.maxStanzaBytes) this.tooBig();
    this.gapChar = end;
    this.gapByte = endByte;
    this.callHandler(() => this.handler.element(el));
  }

  private onText(text: string): void {
    const depth = this.stack.length;
    if (depth !== 0) this.appendText(this.stack[depth - 1], text);
    // Before the header saxes itself rejects non-whitespace; after it, this is the stanza gap.
    else if (this.phase === Phase.Open && !isXmlWhitespace(text)) this.reject("not-well-formed", "text between stanzas");
  }

  private onCdata(text: string): void {
    const depth = this.stack.length;
    if (depth === 0) this.reject("not-well-formed", "CDATA between stanzas");
    this.appendText(this.stack[depth - 1], text);
  }

  /** Adjacent text and CDATA become one string child, so the tree does not depend on how text was written. */
  private appendText(el: Element, text: string): void {
    const children = el.children;
    const last = children.length - 1;
    const merge = last >= 0 && typeof children[last] === "string";
    const lim = this.limits;
    if (lim.maxTextBytes < lim.maxStanzaBytes) {
      const bytes = Buffer.byteLength(text, "utf8");
      this.textBytes = merge && this.textEl === el ? this.textBytes + bytes : bytes;
      this.textEl = el;
      if (this.textBytes > lim.maxTextBytes) this.reject("policy-violation", `text node larger than ${lim.maxTextBytes} bytes`);
    }
    if (merge) children[last] = (children[last] as string) + text;
    else children.push(text);
  }

  // ---- errors and callbacks ----

  private callHandler(fn: () => void): void {
    const sx = this.sx;
    try {
      fn();
    } catch (e) {
      this.reject("internal-server-error", `stream handler failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    // The handler may have reset() us (STARTTLS, SASL): the old saxes must stop right here.
    if (this.sx !== sx || this.dead) throw ABORT;
  }

  private tooBig(): never {
    this.reject("policy-violation", `stanza larger than ${this.limits.maxStanzaBytes} bytes`, STANZA_TOO_BIG);
  }

  private readonly rejectFn = (condition: StreamErrorCondition, text: string): never => this.reject(condition, text);

  private reject(condition: StreamErrorCondition, text: string, app?: AppCondition): never {
    this.report(condition, text, app);
    throw ABORT;
  }

  private report(condition: StreamErrorCondition, text: string, app?: AppCondition): void {
    if (this.dead) return;
    this.dead = true;
    this.hasFailed = true;
    const err: ParseError = app ? { condition, text, app } : { condition, text };
    try {
      this.handler.error(err);
    } catch {
      // Nothing sensible is left to do: the stream is already dead.
    }
  }
}
