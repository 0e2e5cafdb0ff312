/**
 * The stream management elements the server sends.
 *
 * References:
 * - XEP-0198 §3 (<enabled/>), §4 (<a/>, <r/>), §5 (<resumed/>, <failed h/>),
 *   §6 (<failed/> carries a stanza error condition; <handled-count-too-high/> with an undefined-condition stream error)
 */
import type { Element } from "ltx";
import type { StanzaErrorCondition } from "../../lib/errors";
import { el } from "../../lib/stanza";
import { NS } from "../../lib/xml/ns";
import { NS_SM } from "./state";

export function failed(condition: StanzaErrorCondition, h?: number): Element {
  return el("failed", { xmlns: NS_SM, h }, el(condition, { xmlns: NS.STANZAS_ERR }));
}

export function ack(h: number): Element {
  return el("a", { xmlns: NS_SM, h });
}

export function request(): Element {
  return el("r", { xmlns: NS_SM });
}

export function enabled(resume?: { id: string; maxSeconds: number }): Element {
  return el("enabled", { xmlns: NS_SM, id: resume?.id, resume: resume ? "true" : undefined, max: resume?.maxSeconds });
}

export function resumed(previd: string, h: number): Element {
  return el("resumed", { xmlns: NS_SM, previd, h });
}

export function handledCountTooHigh(h: number, sendCount: number): Element {
  return el(
    "stream:error",
    {},
    el("undefined-condition", { xmlns: NS.STREAMS_ERR }),
    el("text", { xmlns: NS.STREAMS_ERR }, `You acknowledged ${h} stanzas, but only ${sendCount} were sent`),
    el("handled-count-too-high", { xmlns: NS_SM, h, "send-count": sendCount }),
  );
}
