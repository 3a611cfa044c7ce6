import argon2 from 'argon2';
import { DomainException } from '@farmhand/core';

export const PASSWORD_MIN_LENGTH = 12;
/** argon2 hashes whatever it is given; an upper bound keeps a huge password from being a cheap DoS. */
export const PASSWORD_MAX_LENGTH = 256;

/** OWASP's argon2id baseline (19 MiB, 2 passes) with a little more memory. */
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function assertPasswordAcceptable(password: string, email: string): void {
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
