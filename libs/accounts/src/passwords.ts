import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import argon2 from 'argon2';
import { DomainException } from '@farmhand/core';

export const PASSWORD_MIN_LENGTH = 12;
/** argon2 hashes whatever it is given; an upper bound keeps a huge password from being a cheap DoS. */
export const PASSWORD_MAX_LENGTH = 256;

/**
 * zxcvbn's score (0-4) a password must reach: 3, "safely unguessable: moderate protection from offline slow-hash
 * scenario" (about 10^8 guesses and more). Checked with the common-password, English and names dictionaries and the
 * keyboard graphs that ship in @zxcvbn-ts/language-common (nothing is downloaded).
 */
export const PASSWORD_MIN_SCORE = 3;

const strength = new ZxcvbnFactory({ dictionary: { ...dictionary }, graphs: adjacencyGraphs });

/** zxcvbn's warning keys in words (the English translation package is not a dependency). */
const WARNINGS: Record<string, string> = {
  straightRow: 'a row of keys on the keyboard is easy to guess',
  keyPattern: 'a short keyboard pattern is easy to guess',
  simpleRepeat: 'repeated characters like "aaa" are easy to guess',
  extendedRepeat: 'repeated patterns like "abcabcabc" are easy to guess',
  sequences: 'sequences like "abc" or "6543" are easy to guess',
  recentYears: 'recent years are easy to guess',
  dates: 'dates are easy to guess',
  topTen: 'it is one of the ten most used passwords',
  topHundred: 'it is one of the hundred most used passwords',
  common: 'it is a commonly used password',
  similarToCommon: 'it is too similar to a commonly used password',
  wordByItself: 'a single word is easy to guess',
  namesByThemselves: 'names on their own are easy to guess',
  commonNames: 'common names are easy to guess',
  userInputs: 'it contains your own details (email, name)',
  pwned: 'it appeared in a data breach',
};

/** OWASP's argon2id baseline (19 MiB, 2 passes) with a little more memory. */
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * Refuses (400 `weak_password`, field `password`, saying why) a password that is too short, too long, or that zxcvbn
 * scores below PASSWORD_MIN_SCORE against the common dictionaries and the account's own details (`context`: the
 * display name). Wherever a password is set.
 */
export function assertPasswordAcceptable(password: string, email: string, context: string[] = []): void {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw DomainException.invalid(
      'weak_password',
      `password must be at least ${PASSWORD_MIN_LENGTH} characters long`,
      'password',
    );
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    throw DomainException.invalid(
      'password_too_long',
      `password must be at most ${PASSWORD_MAX_LENGTH} characters long`,
      'password',
    );
  }
  if (new Set(password).size < 4) {
    throw DomainException.invalid('weak_password', 'password must use at least 4 different characters', 'password');
  }
  if (password.toLowerCase() === email.toLowerCase()) {
    throw DomainException.invalid('weak_password', 'password must not be your email address', 'password');
  }
  const userInputs = [email, email.split('@')[0] ?? '', ...context, 'farmhand'].filter(Boolean);
  const result = strength.check(password, userInputs);
  if (result.score < PASSWORD_MIN_SCORE) {
    const warning = result.feedback.warning ? WARNINGS[result.feedback.warning] : undefined;
    throw DomainException.invalid(
      'weak_password',
      `password is too easy to guess${warning ? `: ${warning}` : ''}; add a few uncommon words or use a password manager`,
      'password',
      { score: result.score, minScore: PASSWORD_MIN_SCORE },
    );
  }
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** Verifying against this when the account does not exist keeps sign-in timing the same either way. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('farmhand-timing-equalizer');
  return dummyHash;
}
