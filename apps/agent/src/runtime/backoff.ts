export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 60_000 };

/**
 * Exponential backoff with "equal jitter": half the exponential delay plus a random half, never above the cap.
 * Spreads thousands of agents reconnecting after a server restart instead of stampeding it.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random = Math.random): number {
  const exponential = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(Math.max(0, attempt), 30));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
