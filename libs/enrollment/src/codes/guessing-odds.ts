import { USER_CODE_ALPHABET, USER_CODE_LENGTH, USER_CODE_LIFETIME_SECONDS } from './user-code';

/** What an attacker who types user codes into the claim endpoint can achieve. */
export interface GuessingScenario {
  alphabetSize: number;
  codeLength: number;
  /** Failed attempts allowed per lockout window before the counter locks. */
  attemptsPerWindow: number;
  windowSeconds: number;
  /** Codes valid at the same moment (an upper bound the server enforces). */
  liveCodes: number;
  /** How long one code stays valid. */
  lifetimeSeconds: number;
}

export interface GuessingOdds {
  /** alphabetSize ^ codeLength. */
  codeSpace: number;
  /**
   * Most guesses that fit in one code's lifetime: attemptsPerWindow * (ceil(lifetime / window) + 1). The + 1 is
   * because a fixed-window counter can be emptied at the end of one window and again at the start of the next.
   */
  attempts: number;
  /** 1 - (1 - liveCodes / codeSpace) ^ attempts: independent guesses against a fixed set of live codes. */
  probability: number;
  /**
   * attempts * liveCodes / codeSpace: the union bound, which holds however codes come and go during the lifetime
   * (each guess can match at most `liveCodes` codes). This is the figure the limits are chosen against.
   */
  upperBound: number;
}

export function guessingOdds(scenario: GuessingScenario): GuessingOdds {
  const { alphabetSize, codeLength, attemptsPerWindow, windowSeconds, liveCodes, lifetimeSeconds } = scenario;
  for (const [name, value] of Object.entries(scenario)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number >= 0.`);
  }
  if (alphabetSize < 2 || codeLength < 1 || windowSeconds <= 0) {
    throw new RangeError('alphabetSize >= 2, codeLength >= 1 and windowSeconds > 0 are required.');
  }
  const codeSpace = alphabetSize ** codeLength;
  const attempts = attemptsPerWindow * (Math.ceil(lifetimeSeconds / windowSeconds) + 1);
  const share = Math.min(1, liveCodes / codeSpace);
  // expm1/log1p keep precision where share is ~1e-9 and 1 - share rounds to 1.
  const probability = share === 1 ? (attempts > 0 ? 1 : 0) : -Math.expm1(attempts * Math.log1p(-share));
  return { codeSpace, attempts, probability, upperBound: Math.min(1, attempts * share) };
}

/** The largest attemptsPerWindow whose upper bound stays strictly below `target`. */
export function maxAttemptsPerWindow(scenario: Omit<GuessingScenario, 'attemptsPerWindow'>, target = 1e-6): number {
  const perAttempt = guessingOdds({ ...scenario, attemptsPerWindow: 1 }).upperBound;
  if (perAttempt === 0) return Infinity;
  const attempts = Math.ceil(target / perAttempt) - 1;
  return Math.max(0, attempts);
}

export interface GuessLimit {
  failures: number;
  windowSeconds: number;
}

/**
 * Lockout for user-code claims, counted on failed claims (unknown, expired, used or malformed codes alike) in
 * fixed windows. The global budget is what bounds an attacker with any number of accounts and addresses; it is large
 * (half a million failures an hour) so that cheap accounts cannot spend it and lock honest admins out, and the 2^50
 * code space keeps it safe. The per-user, per-organization and per-address limits stop one account, one tenant or one
 * source from spending much of it. `maxLiveCodes` caps pending pairings server-wide (a further pairing request is
 * refused until some expire). The arithmetic is in docs/security.md and checked by guessing-odds.spec.ts.
 */
export const USER_CODE_GUESS_LIMITS = {
  perUser: { failures: 5, windowSeconds: 3600 },
  perOrganization: { failures: 20, windowSeconds: 3600 },
  perAddress: { failures: 100, windowSeconds: 3600 },
  global: { failures: 500_000, windowSeconds: 3600 },
  maxLiveCodes: 1000,
} as const satisfies Record<string, GuessLimit | number>;

/** The odds the configured limits give, for docs and a test that fails when someone loosens them too far. */
export function userCodeGuessingOdds(limit: GuessLimit = USER_CODE_GUESS_LIMITS.global): GuessingOdds {
  return guessingOdds({
    alphabetSize: USER_CODE_ALPHABET.length,
    codeLength: USER_CODE_LENGTH,
    attemptsPerWindow: limit.failures,
    windowSeconds: limit.windowSeconds,
    liveCodes: USER_CODE_GUESS_LIMITS.maxLiveCodes,
    lifetimeSeconds: USER_CODE_LIFETIME_SECONDS,
  });
}
