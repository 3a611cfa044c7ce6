import { Inject, Injectable } from '@nestjs/common';
import type { UserPrincipal } from '@farmhand/authz';
import {
  APP_CONFIG,
  DomainException,
  RateLimiter,
  composeToken,
  digestsEqual,
  randomSecret,
  sha256Hex,
  splitToken,
  type AppConfig,
  type RateLimit,
} from '@farmhand/core';
import { randomBytes, randomUUID } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import { toDataURL } from 'qrcode';
import { DataSource } from 'typeorm';
import { verifyPassword } from '../passwords';
import { SecurityLog } from '../sessions/security-log.service';
import { UsersRepository } from '../users.repository';
import { TotpSecretCipher } from './totp-secret.cipher';
import { TwoFactorRepository } from './two-factor.repository';

export const RECOVERY_CODE_COUNT = 10;
/** RFC 6238's 30-second step, accepted one step either side (clock drift), each step once. */
const TOTP_PERIOD = 30;
const SIGN_IN_CHALLENGE_PREFIX = 'fh_2fa';
const SIGN_IN_CHALLENGE_TTL_MS = 5 * 60 * 1000;
/** Wrong codes one pending sign-in may take before the password must be typed again. */
export const SIGN_IN_CHALLENGE_MAX_FAILURES = 5;

export type SecondFactorMethod = 'totp' | 'recovery_code';

/** 80 random bits as four groups of five hex digits, e.g. `3f9a1-0c2de-77b40-9e1aa`. */
function newRecoveryCode(): string {
  return (randomBytes(10).toString('hex').match(/.{5}/g) ?? []).join('-');
}

function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[^0-9a-f]/g, '');
}

/**
 * TOTP enrolment (a QR code, confirmed by a first code and the password), recovery codes, and the second step of
 * sign-in. Secrets are encrypted at rest; recovery codes and pending sign-in secrets are stored as SHA-256.
 */
@Injectable()
export class TwoFactorService {
  private readonly cipher: TotpSecretCipher;
  private readonly passwordLimit: RateLimit;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: TwoFactorRepository,
    private readonly users: UsersRepository,
    private readonly securityLog: SecurityLog,
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cipher = new TotpSecretCipher(config.SECRET_KEY);
    this.passwordLimit = {
      name: 'two-factor-change-account',
      points: config.LOGIN_MAX_ATTEMPTS_PER_ACCOUNT,
      durationSeconds: config.LOGIN_WINDOW_SECONDS,
      whenRedisDown: 'memory',
    };
  }

  /** Whether sign-in owes a second factor: TOTP on, or a passkey registered. */
  hasSecondFactor(userId: string): Promise<boolean> {
    return this.repository.hasSecondFactor(userId);
  }

  async status(principal: UserPrincipal) {
    const credential = await this.repository.findCredential(principal.userId);
    const enabled = Boolean(credential?.enabledAt);
    return {
      totpEnabled: enabled,
      enabledAt: credential?.enabledAt ?? null,
      recoveryCodesLeft: enabled ? await this.repository.countRecoveryCodesLeft(principal.userId) : 0,
    };
  }

  /** A new secret waiting for its first code; shown once as a QR code and as text (for typing it in). */
  async startEnrolment(principal: UserPrincipal) {
    const secret = generateSecret();
    const saved = await this.repository.savePending(principal.userId, this.cipher.encrypt(secret, principal.userId));
    if (!saved) throw DomainException.conflict('two_factor_enabled', 'Two-factor sign-in is already on');
    const otpauthUri = generateURI({ issuer: 'Farmhand', label: principal.email, secret, period: TOTP_PERIOD });
    return { secret, otpauthUri, qrCodeDataUrl: await toDataURL(otpauthUri, { margin: 1, width: 240 }) };
  }

  /** The first code proves the authenticator has the secret; the password proves a borrowed session is not enough. */
  async confirmEnrolment(principal: UserPrincipal, input: { code: string; password: string }) {
    await this.checkPassword(principal, input.password);
    const credential = await this.repository.findCredential(principal.userId);
    if (!credential || credential.enabledAt)
      throw DomainException.conflict('no_pending_enrolment', 'Start the enrolment first');
    const step = await this.checkTotp(credential.secretEncrypted, principal.userId, input.code, null);
    if (step === null)
      throw DomainException.invalid('invalid_code', 'That code is not right; try the next one', 'code');
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.repository.enable(manager, principal.userId, step)))
        throw DomainException.conflict('no_pending_enrolment', 'Start the enrolment first');
      await this.repository.replaceRecoveryCodes(
        manager,
        principal.userId,
        codes.map((code) => sha256Hex(normalizeRecoveryCode(code))),
      );
      await this.securityLog.record(principal.userId, 'two_factor.enabled', { method: 'totp' }, manager);
    });
    return { recoveryCodes: codes };
  }

  async disable(principal: UserPrincipal, input: { password: string; code: string }): Promise<void> {
    await this.checkPassword(principal, input.password);
    if (!(await this.repository.isEnabled(principal.userId)))
      throw DomainException.conflict('two_factor_disabled', 'Two-factor sign-in is not on');
    if (!(await this.verifySecondFactor(principal.userId, input.code)))
      throw DomainException.invalid('invalid_code', 'That code is not right', 'code');
    await this.dataSource.transaction(async (manager) => {
      await this.repository.deleteCredential(manager, principal.userId);
      // The last factor of an owner or admin whose organization requires one stays (checked inside the transaction
      // that removes it, after the removal: no passkey left means none).
      if (
        (await this.repository.requiredByAnOrganization(principal.userId)) &&
        !(await this.repository.hasSecondFactor(principal.userId, manager))
      )
        throw DomainException.conflict(
          'two_factor_required',
          'An organization you run requires two-factor sign-in: add a passkey before turning this off',
        );
      await this.securityLog.record(principal.userId, 'two_factor.disabled', {}, manager);
    });
  }

  async regenerateRecoveryCodes(principal: UserPrincipal, input: { password: string }) {
    await this.checkPassword(principal, input.password);
    if (!(await this.repository.isEnabled(principal.userId)))
      throw DomainException.conflict('two_factor_disabled', 'Two-factor sign-in is not on');
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await this.dataSource.transaction(async (manager) => {
      await this.repository.replaceRecoveryCodes(
        manager,
        principal.userId,
        codes.map((code) => sha256Hex(normalizeRecoveryCode(code))),
      );
      await this.securityLog.record(principal.userId, 'recovery_codes.regenerated', {}, manager);
    });
    return { recoveryCodes: codes };
  }

  /** A TOTP code of an unused step within ±1 of now, or an unused recovery code; each works once. */
  async verifySecondFactor(userId: string, code: string): Promise<SecondFactorMethod | null> {
    const trimmed = code.replace(/\s/g, '');
    if (/^\d{6}$/.test(trimmed)) {
      const credential = await this.repository.findCredential(userId);
      if (!credential?.enabledAt) return null;
      const step = await this.checkTotp(credential.secretEncrypted, userId, trimmed, credential.lastUsedStep);
      return step !== null && (await this.repository.claimStep(userId, step)) ? 'totp' : null;
    }
    const normalized = normalizeRecoveryCode(trimmed);
    if (normalized.length !== 20) return null;
    if (!(await this.repository.claimRecoveryCode(userId, sha256Hex(normalized)))) return null;
    await this.securityLog.record(userId, 'recovery_code.used', {
      left: await this.repository.countRecoveryCodesLeft(userId),
    });
    return 'recovery_code';
  }

  /** A pending sign-in: the password was right, the second factor is owed. The token goes into a short cookie. */
  async createChallenge(userId: string): Promise<{ token: string; expiresAt: Date }> {
    const id = randomUUID();
    const secret = randomSecret(32);
    const expiresAt = new Date(Date.now() + SIGN_IN_CHALLENGE_TTL_MS);
    await this.repository.createChallenge({ id, userId, secretHash: sha256Hex(secret), expiresAt });
    return { token: composeToken(SIGN_IN_CHALLENGE_PREFIX, id, secret), expiresAt };
  }

  /** The live challenge a token names, or null (unknown, expired, used, or too many wrong codes). */
  async findChallenge(token: string): Promise<{ id: string; userId: string } | null> {
    const parts = splitToken(SIGN_IN_CHALLENGE_PREFIX, token);
    if (!parts || !/^[0-9a-f-]{36}$/.test(parts.id)) return null;
    const challenge = await this.repository.findLiveChallenge(parts.id, SIGN_IN_CHALLENGE_MAX_FAILURES);
    if (!challenge || !digestsEqual(challenge.secretHash, sha256Hex(parts.secret))) return null;
    return { id: challenge.id, userId: challenge.userId };
  }

  countChallengeFailure(id: string): Promise<void> {
    return this.repository.countChallengeFailure(id);
  }

  useChallenge(id: string): Promise<boolean> {
    return this.repository.useChallenge(id);
  }

  pruneChallenges(): Promise<number> {
    return this.repository.deleteOldChallenges(new Date(Date.now() - 24 * 3600 * 1000));
  }

  /** The matching step, or null. `afterStep`: the last step used, refused with every earlier one. */
  private async checkTotp(
    secretEncrypted: string,
    userId: string,
    code: string,
    afterStep: string | null,
  ): Promise<number | null> {
    if (!/^\d{6}$/.test(code)) return null;
    let secret: string;
    try {
      secret = this.cipher.decrypt(secretEncrypted, userId);
    } catch {
      return null;
    }
    const result = await verify({
      secret,
      token: code,
      period: TOTP_PERIOD,
      epochTolerance: TOTP_PERIOD,
      ...(afterStep !== null ? { afterTimeStep: Number(afterStep) } : {}),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  }

  private async checkPassword(principal: UserPrincipal, password: string): Promise<void> {
    const consumed = await this.limiter.consume(this.passwordLimit, principal.userId);
    if (!consumed.allowed)
      throw new DomainException('rate_limited', 'too_many_attempts', 'Too many attempts; try again later', undefined, {
        retryAfterSeconds: consumed.retryAfterSeconds,
      });
    const user = await this.users.findByIdWithPassword(principal.userId);
    if (!user || !(await verifyPassword(user.passwordHash, password)))
      throw DomainException.invalid('wrong_password', 'The password is wrong', 'password');
  }
}
