/**
 * The per-account daily quota: bytes over a rolling 24 hours, counting stored files and slots not
 * used yet, and, when a request does not fit, the moment enough of that leaves the window.
 *
 * References:
 * - XEP-0363 §5 (a quota is a temporary error: resource-constraint, optionally with a
 *   <retry stamp/> telling when to try again)
 * - reliability.md §5 (Prosody: 100 MB per day), HTTP-03
 */
export const DAY_MS = 86_400_000;

export interface Usage {
  size: number;
  /** When the slot was handed out (ms since the epoch). */
  at: number;
}

export type QuotaDecision = { ok: true } | { ok: false; retryAt: number | undefined };

/** `quota` 0 means no quota. `retryAt` is undefined when the request can never fit. */
export function checkQuota(usage: readonly Usage[], size: number, quota: number, now: number): QuotaDecision {
  if (quota === 0) return { ok: true };
  const recent = usage.filter((u) => u.at > now - DAY_MS).sort((a, b) => a.at - b.at);
  let used = recent.reduce((n, u) => n + u.size, 0);
  if (used + size <= quota) return { ok: true };
  if (size > quota) return { ok: false, retryAt: undefined };
  for (const u of recent) {
    used -= u.size;
    if (used + size <= quota) return { ok: false, retryAt: u.at + DAY_MS };
  }
  return { ok: false, retryAt: undefined };
}
