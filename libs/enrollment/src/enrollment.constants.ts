/**
 * Limits of the enrollment endpoints. The user-code guessing limits live in `codes/guessing-odds.ts`
 * (`USER_CODE_GUESS_LIMITS`) with the arithmetic behind them in docs/security.md.
 */
export const PAIRING_LIMITS = {
  /** RFC 8628's default interval; agents poll no faster. */
  pollIntervalSeconds: 5,
  /** Each `slow_down` adds 5 s (RFC 8628 §3.5), up to this. */
  maxPollIntervalSeconds: 60,
  /** Network jitter can bring two polls sent `interval` apart a little closer at the server. */
  pollToleranceMs: 1_000,
  /** Pairing requests per client address (rate limiting only; the address decides nothing else). */
  startsPerAddress: { limit: 30, windowSeconds: 10 * 60 },
  /** Finished and expired pairings are deleted this long after they expire. */
  retentionSeconds: 24 * 3600,
} as const;

export const ENROLLMENT_TOKEN_LIMITS = {
  maxUses: 1_000,
  defaultLifetimeHours: 24,
  /** Every token expires; no setting makes one live longer than this. */
  maxLifetimeHours: 30 * 24,
  /** Tokens handed out by a bulk CSV commit. */
  importDefaultLifetimeHours: 7 * 24,
} as const;

/**
 * Failed redemptions (unknown, used, expired or revoked tokens; unknown device codes) per client address. Tokens and
 * device codes carry 256 random bits, so this limit is about noise, not about guessing.
 */
export const REDEEM_FAILURES_PER_ADDRESS = { limit: 20, windowSeconds: 15 * 60 } as const;

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
