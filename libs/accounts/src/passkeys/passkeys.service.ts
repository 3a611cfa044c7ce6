import { Inject, Injectable } from '@nestjs/common';
import type { UserPrincipal } from '@farmhand/authz';
import {
  APP_CONFIG,
  DomainException,
  REDIS,
  REDIS_KEYS,
  RateLimiter,
  isUniqueViolation,
  randomSecret,
  sha256Hex,
  type AppConfig,
  type RateLimit,
  type RedisKeys,
} from '@farmhand/core';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { verifyPassword } from '../passwords';
import { SecurityLog } from '../sessions/security-log.service';
import { TwoFactorRepository } from '../two-factor/two-factor.repository';
import { UsersRepository } from '../users.repository';
import type { PasskeyCredential } from './passkey-credential.entity';
import { PasskeysRepository } from './passkeys.repository';

/** How long a ceremony (options handed out, the authenticator's answer expected) may take; each challenge works once. */
export const PASSKEY_CHALLENGE_TTL_SECONDS = 300;
export const MAX_PASSKEYS_PER_ACCOUNT = 20;

/** Where a challenge was handed out: the three ceremonies never accept each other's challenges. */
type Ceremony = 'register' | 'second-factor' | 'sign-in';

export interface PasskeyView {
  id: string;
  name: string;
  deviceType: string;
  backedUp: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
}

function view(row: PasskeyCredential): PasskeyView {
  return {
    id: row.id,
    name: row.name,
    deviceType: row.deviceType,
    backedUp: row.backedUp,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
  };
}

/**
 * WebAuthn passkeys (@simplewebauthn/server): registration from the account page, an assertion as the second step of
 * a password sign-in, or a discoverable credential signing in on its own. The relying party is the configured
 * PUBLIC_URL: its host is the rpID and its origin the only origin accepted, so a look-alike site gets nothing it can
 * use. Challenges live in Redis for five minutes, are taken with GETDEL (single use) and are keyed by what ties them
 * to the browser: the session (registration), the pending sign-in (second factor) or a binding cookie (sign-in).
 */
@Injectable()
export class PasskeysService {
  readonly rpID: string;
  readonly origin: string;
  private readonly passwordLimit: RateLimit;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: PasskeysRepository,
    private readonly twoFactor: TwoFactorRepository,
    private readonly users: UsersRepository,
    private readonly securityLog: SecurityLog,
    private readonly limiter: RateLimiter,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const publicUrl = new URL(config.PUBLIC_URL);
    this.rpID = publicUrl.hostname;
    this.origin = publicUrl.origin;
    // The same budget as the password checks of TOTP changes (two-factor.service.ts).
    this.passwordLimit = {
      name: 'two-factor-change-account',
      points: config.LOGIN_MAX_ATTEMPTS_PER_ACCOUNT,
      durationSeconds: config.LOGIN_WINDOW_SECONDS,
      whenRedisDown: 'memory',
    };
  }

  async list(principal: UserPrincipal): Promise<PasskeyView[]> {
    return (await this.repository.listForUser(principal.userId)).map(view);
  }

  hasPasskeys(userId: string): Promise<boolean> {
    return this.repository.countForUser(userId).then((count) => count > 0);
  }

  /** Options for `navigator.credentials.create`: a discoverable credential, none of this account's again. */
  async registrationOptions(principal: UserPrincipal) {
    const user = await this.users.findById(principal.userId);
    if (!user) throw DomainException.unauthorized('unauthenticated', 'Sign in again');
    const existing = await this.repository.listForUser(user.id);
    if (existing.length >= MAX_PASSKEYS_PER_ACCOUNT)
      throw DomainException.conflict(
        'too_many_passkeys',
        `An account keeps at most ${MAX_PASSKEYS_PER_ACCOUNT} passkeys`,
      );
    const options = await generateRegistrationOptions({
      rpName: 'Farmhand',
      rpID: this.rpID,
      userName: user.email,
      userDisplayName: user.displayName,
      userID: new TextEncoder().encode(user.id),
      attestationType: 'none',
      excludeCredentials: existing.map((row) => ({ id: row.credentialId, transports: row.transports ?? undefined })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
      timeout: PASSKEY_CHALLENGE_TTL_SECONDS * 1000,
    });
    await this.saveChallenge('register', principal.sessionId, options.challenge);
    return options;
  }

  /** The authenticator's answer to the registration options; the password proves a borrowed session is not enough. */
  async register(
    principal: UserPrincipal,
    input: { name: string; password: string; response: Record<string, unknown> },
  ): Promise<PasskeyView> {
    await this.checkPassword(principal, input.password);
    const challenge = await this.takeChallenge('register', principal.sessionId);
    if (!challenge)
      throw DomainException.invalid('passkey_challenge_expired', 'Start adding the passkey again', 'response');
    let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
    try {
      verified = await verifyRegistrationResponse({
        response: input.response as unknown as RegistrationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: this.origin,
        expectedRPID: this.rpID,
        requireUserVerification: false,
      });
    } catch {
      verified = { verified: false };
    }
    if (!verified.verified)
      throw DomainException.invalid('passkey_invalid', 'The passkey could not be verified; try again', 'response');
    const { credential, credentialDeviceType, credentialBackedUp } = verified.registrationInfo;
    if (credential.id.length > 1400)
      throw DomainException.invalid('passkey_invalid', 'The passkey could not be verified; try again', 'response');
    try {
      const saved = await this.dataSource.transaction(async (manager) => {
        const row = await this.repository.insert(manager, {
          userId: principal.userId,
          credentialId: credential.id,
          publicKey: Buffer.from(credential.publicKey),
          counter: String(credential.counter),
          transports: credential.transports?.slice(0, 8).map((transport) => transport.slice(0, 32)) ?? null,
          name: input.name.trim(),
          deviceType: credentialDeviceType,
          backedUp: credentialBackedUp,
        });
        await this.securityLog.record(
          principal.userId,
          'passkey.added',
          { passkeyId: row.id, name: row.name },
          manager,
        );
        return row;
      });
      return view(saved);
    } catch (error) {
      if (isUniqueViolation(error, 'passkey_credentials_credential_id_unique'))
        throw DomainException.conflict('passkey_exists', 'This passkey is already registered', 'response');
      throw error;
    }
  }

  /** Refused when it is the last second factor of an owner or admin whose organization requires one. */
  async remove(principal: UserPrincipal, passkeyId: string, input: { password: string }): Promise<void> {
    await this.checkPassword(principal, input.password);
    await this.dataSource.transaction(async (manager) => {
      const row = await this.repository.findForUser(principal.userId, passkeyId);
      if (!row || !(await this.repository.delete(manager, principal.userId, passkeyId)))
        throw DomainException.notFound('passkey_not_found', 'Passkey not found');
      if (
        (await this.twoFactor.requiredByAnOrganization(principal.userId)) &&
        !(await this.twoFactor.hasSecondFactor(principal.userId, manager))
      )
        throw DomainException.conflict(
          'two_factor_required',
          'An organization you run requires two-factor sign-in: this is your last second factor',
        );
      await this.securityLog.record(principal.userId, 'passkey.removed', { passkeyId, name: row.name }, manager);
    });
  }

  /** Options for the second step of a password sign-in: this account's passkeys only. */
  async secondFactorOptions(userId: string, pendingSignInId: string) {
    const credentials = await this.repository.listForUser(userId);
    if (credentials.length === 0)
      throw DomainException.conflict('no_passkey', 'This account has no passkey; use your authenticator code');
    const options = await generateAuthenticationOptions({
      rpID: this.rpID,
      allowCredentials: credentials.map((row) => ({ id: row.credentialId, transports: row.transports ?? undefined })),
      userVerification: 'preferred',
      timeout: PASSKEY_CHALLENGE_TTL_SECONDS * 1000,
    });
    await this.saveChallenge('second-factor', pendingSignInId, options.challenge);
    return options;
  }

  /** Options for "Sign in with a passkey": no account named; the binding goes into a cookie of this browser. */
  async signInOptions() {
    const options = await generateAuthenticationOptions({
      rpID: this.rpID,
      userVerification: 'required',
      timeout: PASSKEY_CHALLENGE_TTL_SECONDS * 1000,
    });
    const binding = randomSecret(32);
    await this.saveChallenge('sign-in', sha256Hex(binding), options.challenge);
    return { options, binding };
  }

  /** Checks a second-factor assertion for this account; the passkey used, or null. */
  verifySecondFactor(userId: string, pendingSignInId: string, response: Record<string, unknown>) {
    return this.verifyAssertion('second-factor', pendingSignInId, response, userId);
  }

  /** Checks a usernameless assertion (user verification required: the passkey is both factors); its account, or null. */
  verifySignIn(binding: string, response: Record<string, unknown>) {
    return this.verifyAssertion('sign-in', sha256Hex(binding), response, null);
  }

  /**
   * One answer for every failure (no oracle): an unknown, removed or other account's credential, a spent or foreign
   * challenge, a wrong origin or rpID, a bad signature, or a counter that did not go forward. The last is logged on
   * the account as a possible cloned authenticator.
   */
  private async verifyAssertion(
    ceremony: Ceremony,
    tie: string,
    response: Record<string, unknown>,
    expectedUserId: string | null,
  ): Promise<{ userId: string; passkeyId: string } | null> {
    const challenge = await this.takeChallenge(ceremony, tie);
    if (!challenge) return null;
    const credentialId = typeof response.id === 'string' && response.id.length <= 1400 ? response.id : null;
    const row = credentialId ? await this.repository.findByCredentialId(credentialId) : null;
    if (!row || (expectedUserId !== null && row.userId !== expectedUserId)) return null;
    const userHandle = (response.response as { userHandle?: unknown } | undefined)?.userHandle;
    if (
      expectedUserId === null &&
      (typeof userHandle !== 'string' || Buffer.from(userHandle, 'base64url').toString('utf8') !== row.userId)
    )
      return null;
    let result: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
    try {
      result = await verifyAuthenticationResponse({
        response: response as unknown as AuthenticationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: this.origin,
        expectedRPID: this.rpID,
        credential: {
          id: row.credentialId,
          publicKey: new Uint8Array(row.publicKey),
          counter: Number(row.counter),
          transports: row.transports ?? undefined,
        },
        requireUserVerification: expectedUserId === null,
      });
    } catch (error) {
      if (/counter value/i.test((error as Error).message))
        await this.securityLog.record(row.userId, 'passkey.counter_regressed', { passkeyId: row.id, name: row.name });
      return null;
    }
    if (!result.verified) return null;
    if (!(await this.repository.advanceCounter(row.id, row.counter, result.authenticationInfo.newCounter))) return null;
    return { userId: row.userId, passkeyId: row.id };
  }

  private async saveChallenge(ceremony: Ceremony, tie: string, challenge: string): Promise<void> {
    await this.redis.set(this.challengeKey(ceremony, tie), challenge, 'EX', PASSKEY_CHALLENGE_TTL_SECONDS);
  }

  private takeChallenge(ceremony: Ceremony, tie: string): Promise<string | null> {
    return this.redis.getdel(this.challengeKey(ceremony, tie));
  }

  private challengeKey(ceremony: Ceremony, tie: string): string {
    return this.keys.key('webauthn', ceremony, sha256Hex(tie));
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
