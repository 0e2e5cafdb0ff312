/**
 * Returns stanzas that could not be delivered to a remote server to their senders.
 *
 * References:
 * - RFC 6120 §8.3.1 (never answer an error or a result), §10.4.3 (remote-server-not-found /
 *   remote-server-timeout), XEP-0220 §2.1.1 (queued stanzas bounce when dialback fails)
 */
import type { Element } from "ltx";
import { stanzaError, type StanzaErrorCondition } from "../errors";
import type { Router } from "../router";
import { canReplyWithError } from "../stanza";

export function bounceStanzas(router: Router, stanzas: readonly Element[], condition: StanzaErrorCondition, text: string): number {
  let n = 0;
  for (const stanza of stanzas) {
    if (!canReplyWithError(stanza)) continue;
    // The origin may be long gone: post the error so it reaches whichever sessions the sender has now.
    router.replyError(undefined, stanza, stanzaError(condition, text));
    n++;
  }
  return n;
}
