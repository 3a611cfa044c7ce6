import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { RecoveryCode } from './recovery-code.entity';
import { SignInChallenge } from './sign-in-challenge.entity';
import { TotpCredential } from './totp-credential.entity';

@Injectable()
export class TwoFactorRepository {
  constructor(private readonly dataSource: DataSource) {}

  findCredential(userId: string): Promise<TotpCredential | null> {
    return this.dataSource
      .getRepository(TotpCredential)
      .createQueryBuilder('totp')
      .addSelect('totp.secretEncrypted')
      .where('totp.userId = :userId', { userId })
      .getOne();
  }

  async isEnabled(userId: string): Promise<boolean> {
    return this.dataSource
      .getRepository(TotpCredential)
      .createQueryBuilder('totp')
      .where('totp.userId = :userId AND totp.enabledAt IS NOT NULL', { userId })
      .getExists();
  }

  /** Any second factor: an enabled TOTP authenticator or a passkey. */
  async hasSecondFactor(userId: string, manager?: EntityManager): Promise<boolean> {
    const rows = (await (manager ?? this.dataSource).query(
      `SELECT (EXISTS (SELECT 1 FROM totp_credentials WHERE user_id = $1 AND enabled_at IS NOT NULL)
            OR EXISTS (SELECT 1 FROM passkey_credentials WHERE user_id = $1)) AS "has"`,
      [userId],
    )) as Array<{ has: boolean }>;
    return rows[0]?.has === true;
  }

  /** Whether an organization where this person is an owner or admin requires two-factor sign-in. */
  async requiredByAnOrganization(userId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM memberships m JOIN organizations o ON o.id = m.org_id
         WHERE m.user_id = $1 AND m.role IN ('owner', 'admin') AND o.require_two_factor) AS "required"`,
      [userId],
    )) as Array<{ required: boolean }>;
    return rows[0]?.required === true;
  }

  /** A new pending secret replaces any earlier pending one; an enabled credential is left alone (the WHERE). */
  async savePending(userId: string, secretEncrypted: string): Promise<boolean> {
    const result = await this.dataSource.query(
      `INSERT INTO totp_credentials (user_id, secret_encrypted) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET secret_encrypted = EXCLUDED.secret_encrypted, last_used_step = NULL,
         created_at = now() WHERE totp_credentials.enabled_at IS NULL
       RETURNING user_id`,
      [userId, secretEncrypted],
    );
    return (result as unknown[]).length > 0;
  }

  async enable(manager: EntityManager, userId: string, step: number): Promise<boolean> {
    const result = await manager
      .getRepository(TotpCredential)
      .update({ userId, enabledAt: IsNull() }, { enabledAt: new Date(), lastUsedStep: String(step) });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Claims a time step: succeeds once per step and only forwards, so the same code (or an older one) cannot be used
   * twice, even by two requests at the same moment.
   */
  async claimStep(userId: string, step: number): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(TotpCredential)
      .set({ lastUsedStep: String(step) })
      .where('user_id = :userId AND enabled_at IS NOT NULL', { userId })
      .andWhere('(last_used_step IS NULL OR last_used_step < :step)', { step })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async deleteCredential(manager: EntityManager, userId: string): Promise<void> {
    await manager.getRepository(TotpCredential).delete({ userId });
    await manager.getRepository(RecoveryCode).delete({ userId });
  }

  async replaceRecoveryCodes(manager: EntityManager, userId: string, hashes: string[]): Promise<void> {
    const repository = manager.getRepository(RecoveryCode);
    await repository.delete({ userId });
    await repository.insert(hashes.map((codeHash) => ({ userId, codeHash, usedAt: null })));
  }

  /** Single use: one conditional UPDATE, so two concurrent uses of one code succeed once. */
  async claimRecoveryCode(userId: string, codeHash: string): Promise<boolean> {
    const result = await this.dataSource
      .getRepository(RecoveryCode)
      .update({ userId, codeHash, usedAt: IsNull() }, { usedAt: new Date() });
    return (result.affected ?? 0) > 0;
  }

  countRecoveryCodesLeft(userId: string): Promise<number> {
    return this.dataSource.getRepository(RecoveryCode).countBy({ userId, usedAt: IsNull() });
  }

  async createChallenge(challenge: Pick<SignInChallenge, 'id' | 'userId' | 'secretHash' | 'expiresAt'>): Promise<void> {
    await this.dataSource.getRepository(SignInChallenge).insert({ ...challenge, failures: 0, usedAt: null });
  }

  findLiveChallenge(id: string, maxFailures: number): Promise<SignInChallenge | null> {
    return this.dataSource
      .getRepository(SignInChallenge)
      .createQueryBuilder('challenge')
      .where('challenge.id = :id', { id })
      .andWhere('challenge.usedAt IS NULL AND challenge.expiresAt > now() AND challenge.failures < :maxFailures', {
        maxFailures,
      })
      .getOne();
  }

  async countChallengeFailure(id: string): Promise<void> {
    await this.dataSource.getRepository(SignInChallenge).increment({ id }, 'failures', 1);
  }

  async useChallenge(id: string): Promise<boolean> {
    const result = await this.dataSource
      .getRepository(SignInChallenge)
      .update({ id, usedAt: IsNull() }, { usedAt: new Date() });
    return (result.affected ?? 0) > 0;
  }

  async deleteOldChallenges(before: Date): Promise<number> {
    const result = await this.dataSource
      .getRepository(SignInChallenge)
      .createQueryBuilder()
      .delete()
      .where('expires_at < :before', { before })
      .execute();
    return result.affected ?? 0;
  }
}
