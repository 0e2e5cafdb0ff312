/**
 * IQ requests the PEP service sends on an account's behalf (disco#info to contacts' resources),
 * matched with their answers by id and sender. The kernel has no request/response helper; this one
 * bounds how many requests wait at once and how long each may wait.
 *
 * References:
 * - RFC 6120 §8.2.3 (every get is answered by exactly one result or error with the same id)
 * - RFC 6120 §8.1.2.1 (a reply comes from the address the request was sent to; anything else is not
 *   the answer)
 */
import { randomBytes } from "node:crypto";
import type { Element } from "ltx";
import { tryParseJid } from "../../lib/jid";
import { el } from "../../lib/stanza";

interface Pending {
  to: string;
  settle(reply: Element | undefined): void;
}

export class IqRequests {
  private readonly pending = new Map<string, Pending>();
  private readonly prefix = `pep-${randomBytes(4).toString("hex")}-`;
  private seq = 0;

  constructor(
    private readonly send: (stanza: Element) => void,
    private readonly limits: { maxPending: number; timeoutMs: number },
  ) {}

  /** Resolves to the result, or undefined for an error, a timeout or too many requests in flight. */
  get(from: string, to: string, payload: Element): Promise<Element | undefined> {
    if (this.pending.size >= this.limits.maxPending) return Promise.resolve(undefined);
    const id = this.prefix + (++this.seq).toString(36);
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(undefined), this.limits.timeoutMs);
      timer.unref();
      const settle = (reply: Element | undefined) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(reply);
      };
      this.pending.set(id, { to, settle });
      this.send(el("iq", { type: "get", id, from, to }, payload));
    });
  }

  /** Takes an IQ result or error that answers one of our requests; false for anything else. */
  take(stanza: Element): boolean {
    const type = stanza.attrs.type;
    if (stanza.name !== "iq" || (type !== "result" && type !== "error")) return false;
    const p = this.pending.get(stanza.attrs.id as string);
    if (!p || tryParseJid(stanza.attrs.from as string | undefined)?.toString() !== p.to) return false;
    p.settle(type === "result" ? stanza : undefined);
    return true;
  }

  cancelAll(): void {
    for (const p of [...this.pending.values()]) p.settle(undefined);
  }
}
