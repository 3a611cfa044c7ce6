import { USER_CODE_GUESS_LIMITS, guessingOdds, maxAttemptsPerWindow, userCodeGuessingOdds } from './guessing-odds';
import { USER_CODE_ALPHABET, USER_CODE_LENGTH, USER_CODE_LIFETIME_SECONDS } from './user-code';

describe('guessingOdds', () => {
  it('matches a small case computed by hand', () => {
    // 100 codes, 10 live, 1 guess per 10-minute window over a 10-minute lifetime: 2 guesses (the window may restart).
    // P = 1 - 0.9^2 = 0.19; union bound 2 * 10 / 100 = 0.2.
    const odds = guessingOdds({
      alphabetSize: 10,
      codeLength: 2,
      attemptsPerWindow: 1,
      windowSeconds: 600,
      liveCodes: 10,
      lifetimeSeconds: 600,
    });

    expect(odds).toEqual({ codeSpace: 100, attempts: 2, probability: expect.any(Number), upperBound: 0.2 });
    expect(odds.probability).toBeCloseTo(0.19, 12);
  });

  it("matches RFC 8628's 20-consonant alphabet computed by hand", () => {
    // 20^8 = 2.56e10 codes; 5 failures per hour over a 10-minute life = 10 guesses; 1,000 live codes:
    // 10 * 1000 / 2.56e10 = 3.90625e-7.
    const odds = guessingOdds({
      alphabetSize: 20,
      codeLength: 8,
      attemptsPerWindow: 5,
      windowSeconds: 3600,
      liveCodes: 1000,
      lifetimeSeconds: 600,
    });

    expect(odds.codeSpace).toBe(25_600_000_000);
    expect(odds.attempts).toBe(10);
    expect(odds.upperBound).toBeCloseTo(3.90625e-7, 18);
    expect(odds.probability).toBeLessThanOrEqual(odds.upperBound);
    expect(odds.probability / odds.upperBound).toBeGreaterThan(0.999999);
  });

  it('counts every window a lifetime can touch', () => {
    // 1-minute windows over a 10-minute life: up to 11 windows.
    const odds = guessingOdds({
      alphabetSize: 32,
      codeLength: 8,
      attemptsPerWindow: 3,
      windowSeconds: 60,
      liveCodes: 1,
      lifetimeSeconds: 600,
    });

    expect(odds.attempts).toBe(33);
  });

  it('caps the probability at 1 when guesses outnumber the code space', () => {
    const odds = guessingOdds({
      alphabetSize: 2,
      codeLength: 2,
      attemptsPerWindow: 100,
      windowSeconds: 60,
      liveCodes: 4,
      lifetimeSeconds: 60,
    });

    expect(odds.probability).toBe(1);
    expect(odds.upperBound).toBe(1);
  });

  it('refuses nonsense input', () => {
    const base = {
      alphabetSize: 32,
      codeLength: 8,
      attemptsPerWindow: 5,
      windowSeconds: 60,
      liveCodes: 1,
      lifetimeSeconds: 600,
    };

    expect(() => guessingOdds({ ...base, liveCodes: -1 })).toThrow(RangeError);
    expect(() => guessingOdds({ ...base, windowSeconds: 0 })).toThrow(RangeError);
    expect(() => guessingOdds({ ...base, attemptsPerWindow: Number.NaN })).toThrow(RangeError);
  });
});

describe('maxAttemptsPerWindow', () => {
  it('finds the largest budget under one in a million, computed by hand', () => {
    // Per attempt-per-window: 2 windows * 1000 live / 2^40 = 1.8189894e-9; 1e-6 / that = 549.76, so 549.
    const scenario = { alphabetSize: 32, codeLength: 8, windowSeconds: 3600, liveCodes: 1000, lifetimeSeconds: 600 };

    expect(maxAttemptsPerWindow(scenario)).toBe(549);
    expect(guessingOdds({ ...scenario, attemptsPerWindow: 549 }).upperBound).toBeLessThan(1e-6);
    expect(guessingOdds({ ...scenario, attemptsPerWindow: 550 }).upperBound).toBeGreaterThan(1e-6);
  });
});

describe('USER_CODE_GUESS_LIMITS', () => {
  it('keeps any number of attackers below one in a million per code lifetime', () => {
    // 500,000 failures/hour server-wide, 2 windows per 10-minute life = 1,000,000 guesses; 1,000 live codes; 2^50
    // codes: 1e6 * 1000 / 1,125,899,906,842,624 = 8.8818e-7.
    const odds = userCodeGuessingOdds();

    expect(odds.codeSpace).toBe(2 ** 50);
    expect(odds.attempts).toBe(1_000_000);
    expect(odds.upperBound).toBeCloseTo(8.881784197001252e-7, 18);
    expect(odds.upperBound).toBeLessThan(1e-6);
  });

  it('allows about a million failures server-wide per code lifetime, so cheap accounts cannot spend it', () => {
    expect(userCodeGuessingOdds().attempts).toBeGreaterThanOrEqual(1e6);
  });

  it('keeps one account, one organization and one address far lower still, each below the server-wide budget', () => {
    expect(userCodeGuessingOdds(USER_CODE_GUESS_LIMITS.perUser).upperBound).toBeCloseTo(8.881784197001252e-12, 24);
    expect(userCodeGuessingOdds(USER_CODE_GUESS_LIMITS.perOrganization).upperBound).toBeLessThan(4e-11);
    expect(userCodeGuessingOdds(USER_CODE_GUESS_LIMITS.perAddress).upperBound).toBeLessThan(2e-10);
    const { perUser, perOrganization, perAddress, global } = USER_CODE_GUESS_LIMITS;
    expect(perUser.failures).toBeLessThan(perOrganization.failures);
    expect(perOrganization.failures).toBeLessThan(perAddress.failures);
    expect(perAddress.failures * 1000).toBeLessThanOrEqual(global.failures);
  });

  it('is consistent with the user-code constants', () => {
    expect(USER_CODE_ALPHABET.length ** USER_CODE_LENGTH).toBe(2 ** 50);
    expect(USER_CODE_LIFETIME_SECONDS).toBe(600);
    expect(USER_CODE_GUESS_LIMITS.global.failures).toBeLessThanOrEqual(
      maxAttemptsPerWindow({
        alphabetSize: USER_CODE_ALPHABET.length,
        codeLength: USER_CODE_LENGTH,
        windowSeconds: USER_CODE_GUESS_LIMITS.global.windowSeconds,
        liveCodes: USER_CODE_GUESS_LIMITS.maxLiveCodes,
        lifetimeSeconds: USER_CODE_LIFETIME_SECONDS,
      }),
    );
  });
});
