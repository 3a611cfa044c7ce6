/**
 * Limits of the enrollment endpoints. The user-code guessing limits live in `codes/guessing-odds.ts`
 * (`USER_CODE_GUESS_LIMITS`) with the arithmetic behind them in docs/security.md.
 */
import type { RateLimit } from '@farmhand/core';

export const PAIRING_LIMITS = {
  /** RFC 8628's default interval; agents poll no faster. */
  pollIntervalSeconds: 5,
  /** Each `slow_down` adds 5 s (RFC 8628 §3.5), up to this. */
  maxPollIntervalSeconds: 60,
  /** Network jitter can bring two polls sent `interval` apart a little closer at the server. */
  pollToleranceMs: 1_000,
  /** Pairing requests per client address (rate limiting only; the address decides nothing else). */
  startsPerAddress: { name: 'pairing-starts', points: 30, durationSeconds: 10 * 60, whenRedisDown: 'memory' },
  /** Finished and expired pairings are deleted this long after they expire. */
  retentionSeconds: 24 * 3600,
} as const satisfies Record<string, number | RateLimit>;

export const ENROLLMENT_TOKEN_LIMITS = {
  maxUses: 1_000,
  defaultLifetimeHours: 24,
  /** Every token expires; no setting makes one live longer than this. */
  maxLifetimeHours: 30 * 24,
  /** Tokens handed out by a bulk CSV commit. */
  importDefaultLifetimeHours: 7 * 24,
} as const;

/**
 * Failed redemptions and polls (unknown, used, expired or revoked tokens; unknown device codes), counted before the
 * lookup and given back when the secret was valid. Tokens and device codes carry 256 random bits, so these limits are
 * about noise, not about guessing; a valid secret is never refused by them (docs/security.md).
 */
export const REDEEM_FAILURE_LIMITS = {
  /** Per client address: a backstop against one source flooding the lookups. */
  perAddress: { name: 'enrollment-failures-address', points: 100, durationSeconds: 15 * 60, whenRedisDown: 'memory' },
  /** Per presented device code or token id: one agent looping on a stale secret is told to stop. */
  perSecret: { name: 'enrollment-failures-secret', points: 10, durationSeconds: 15 * 60, whenRedisDown: 'memory' },
} as const satisfies Record<string, RateLimit>;

export const IMPORT_LIMITS = {
  /** Row errors a dry run answers (every row's, for any file within the row limit). */
  maxReportedErrors: 20_000,
  /** Row errors a refused commit carries in its error details. */
  maxErrorsInRefusal: 1_000,
  /** Rows per INSERT/UPDATE statement of a commit. */
  writeChunkRows: 2_500,
  /** How long an import's progress stays readable. */
  progressTtlSeconds: 3600,
} as const;
