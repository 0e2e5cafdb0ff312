/** Performs one script action against the live characters; a failed expectation throws StepFailure. */
import type { Element } from "ltx";
import type { Action } from "./script";
import type { Inbound } from "./connection";
import { Actor, Cast } from "./cast";
import { XmppClient } from "./client";
import { RawCharacter } from "./raw";
import { describeInbound } from "./expect";
import { TimeoutError } from "./inbox";
import { matchElement, Mismatch } from "./match";
import { parseRawExpectation, parseStanza, RawExpected } from "./payload";
import { indentBlock, prettyXml } from "./pretty";
import { rewriteDomain, substitute } from "./vars";
import { serialize } from "../../lib/xml/serialize";

export const DEFAULT_QUIET_MS = 300;

export class StepFailure extends Error {
  constructor(
    readonly action: Action,
    readonly detail: string,
    file?: string,
  ) {
    super(`${file ?? "script"}:${action.line} (${action.actor} ${verbText(action)}): ${detail}`);
    this.name = "StepFailure";
  }
}

export interface StepContext {
  cast: Cast;
  log: (line: string) => void;
  domain: string;
  quietMs: number;
  file?: string;
}

export async function performStep(action: Action, ctx: StepContext): Promise<void> {
  const actor = ctx.cast.get(action.actor);
  const fail = (detail: string): never => {
    throw new StepFailure(action, detail, ctx.file);
  };
  const payload = () => substitute(rewriteDomain(action.payload!, ctx.domain), ctx.cast);
  const t = ctx.cast.timeoutMs;

  try {
    switch (action.verb) {
      case "connects": {
        if (actor.conn?.connected) fail("already connected");
        const c = ctx.cast.create(actor);
        await c.connect();
        actor.conn = c;
        if (c instanceof XmppClient) actor.fullJid = c.fullJid;
        return;
      }
      case "disconnects": {
        const c = live(actor, fail);
        actor.conn = undefined;
        await c.disconnect();
        return;
      }
      case "sends": {
        const stanza = serialize(stripScansionAttrs(parseStanza(payload())));
        if (!actor.conn && actor.fullJid) {
          // Upstream scansion silently drops a send after `disconnects` (blocking.scs relies on it).
          ctx.log(`  ${actor.def.name} is disconnected; ignoring: ${stanza}`);
          return;
        }
        (live(actor, fail) as XmppClient).send(stanza);
        return;
      }
      case "sends-raw": {
        (live(actor, fail) as RawCharacter).sendRaw(payload());
        return;
      }
      case "starttls": {
        await (live(actor, fail) as RawCharacter).starttls();
        return;
      }
      case "receives": {
        const expected = parseStanza(payload());
        const ev = await nextOrFail(live(actor, fail), t, () => `nothing arrived within ${t} ms; expected:\n${indentBlock(prettyXml(expected))}`, fail);
        if (ev.kind !== "element") fail(`expected a stanza, got ${describeInbound(ev)}; expected:\n${indentBlock(prettyXml(expected))}`);
        checkMatch(expected, (ev as { el: Element }).el, fail);
        return;
      }
      case "receives-raw": {
        const c = live(actor, fail);
        for (const want of parseRawExpectation(payload())) {
          const ev = await nextOrFail(c, t, () => `nothing arrived within ${t} ms; expected ${describeExpected(want)}`, fail);
          checkRaw(want, ev, fail);
        }
        return;
      }
      case "receives-nothing": {
        const got = await live(actor, fail).quiet(ctx.quietMs);
        if (got.length) fail(`expected nothing for ${ctx.quietMs} ms, received:\n${got.map((e) => indentBlock(describeEvent(e))).join("\n")}`);
        return;
      }
      case "is-disconnected": {
        const c = live(actor, fail);
        for (;;) {
          const ev = await nextOrFail(c, t, () => `the server did not close the connection within ${t} ms`, fail);
          if (ev.kind === "closed") break;
          if (ev.kind !== "end") fail(`expected the server to close the connection, received ${describeInbound(ev)}`);
        }
        actor.conn = undefined;
        await c.disconnect();
        return;
      }
    }
  } catch (e) {
    if (e instanceof StepFailure) throw e;
    fail((e as Error).message);
  }
}

function live(a: Actor, fail: (d: string) => never): XmppClient | RawCharacter {
  if (!a.conn) fail(`${a.def.name} is not connected`);
  return a.conn!;
}

async function nextOrFail(c: XmppClient | RawCharacter, ms: number, timeoutText: () => string, fail: (d: string) => never): Promise<Inbound> {
  try {
    return await c.next(ms);
  } catch (e) {
    if (e instanceof TimeoutError) fail(timeoutText());
    throw e;
  }
}

function checkMatch(expected: Element, received: Element, fail: (d: string) => never): void {
  const m = matchElement(expected, received);
  if (m) fail(mismatchText(m, expected, received));
}

function checkRaw(want: RawExpected, ev: Inbound, fail: (d: string) => never): void {
  if (want.kind === "end") {
    if (ev.kind !== "end") fail(`expected </stream:stream>, got ${describeInbound(ev)}`);
    return;
  }
  if (want.kind === "header" && ev.kind !== "header") fail(`expected a stream header, got ${describeInbound(ev)}`);
  if (want.kind === "element" && ev.kind !== "element") fail(`expected ${describeExpected(want)}, got ${describeInbound(ev)}`);
  checkMatch(want.el, (ev as { el: Element }).el, fail);
}

export function mismatchText(m: Mismatch, expected: Element, received: Element): string {
  return [
    `stanza did not match`,
    `  at ${m.path}: ${m.reason}`,
    `  expected:`,
    indentBlock(prettyXml(expected)),
    `  received:`,
    indentBlock(prettyXml(received)),
  ].join("\n");
}

function describeExpected(want: RawExpected): string {
  if (want.kind === "end") return "</stream:stream>";
  return want.kind === "header" ? `a stream header like ${want.el.toString()}` : `\n${indentBlock(prettyXml(want.el))}`;
}

function describeEvent(ev: Inbound): string {
  return ev.kind === "element" ? prettyXml(ev.el) : describeInbound(ev);
}

function stripScansionAttrs(el: Element): Element {
  for (const k of Object.keys(el.attrs)) if (k.startsWith("scansion:")) delete el.attrs[k];
  for (const c of el.children) if (typeof c !== "string") stripScansionAttrs(c);
  return el;
}

function verbText(a: Action): string {
  return { "receives-nothing": "receives: nothing", "sends-raw": "sends raw:", "receives-raw": "receives raw:", "is-disconnected": "is disconnected", sends: "sends:", receives: "receives:" }[a.verb as string] ?? a.verb;
}
