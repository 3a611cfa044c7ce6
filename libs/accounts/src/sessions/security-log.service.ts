import { Injectable } from '@nestjs/common';
import { RequestContext } from '@farmhand/core';
import { DataSource, type EntityManager } from 'typeorm';
import { SecurityEvent } from './security-event.entity';

/** What a person's security log records (the sso library adds `sso.linked` and `sso.unlinked`). */
export type SecurityEventName =
  | 'signed_in'
  | 'signed_out'
  | 'session.revoked'
  | 'sessions.revoked_others'
  | 'sessions.ended_sso_required'
  | 'second_factor.failed'
  | 'recovery_code.used'
  | 'two_factor.enabled'
  | 'two_factor.disabled'
  | 'recovery_codes.regenerated'
  | 'passkey.added'
  | 'passkey.removed'
  | 'passkey.counter_regressed'
  | 'password.changed'
  | 'password.reset'
  | 'password_reset_link.created_by_owner'
  | 'email.verified'
  | 'sso.linked'
  | 'sso.unlinked';

/** The most lines the account page shows; older lines are pruned with expired sessions (accounts.jobs.ts). */
export const SECURITY_LOG_PAGE = 100;
export const SECURITY_LOG_RETENTION_DAYS = 365;

/**
 * A per-account log the person can read on their account page: sign-ins, sign-outs, failed second factors, 2FA and
 * password changes, SSO links. Details never hold a secret; the client address and user agent come from the request.
 */
@Injectable()
export class SecurityLog {
  constructor(private readonly dataSource: DataSource) {}

  async record(
    userId: string,
    event: SecurityEventName,
    details: Record<string, unknown> = {},
    manager?: EntityManager,
  ): Promise<void> {
    const context = RequestContext.current();
    const repository = (manager ?? this.dataSource.manager).getRepository(SecurityEvent);
    await repository.save(
      repository.create({
        userId,
        event,
        details,
        ip: context?.clientIp ?? null,
        userAgent: context?.userAgent?.slice(0, 256) ?? null,
      }),
    );
  }

  list(userId: string) {
    return this.dataSource
      .getRepository(SecurityEvent)
      .createQueryBuilder('event')
      .select(['event.id', 'event.event', 'event.details', 'event.ip', 'event.userAgent', 'event.createdAt'])
      .where('event.userId = :userId', { userId })
      .orderBy('event.createdAt', 'DESC')
      .addOrderBy('event.id', 'DESC')
      .limit(SECURITY_LOG_PAGE)
      .getMany();
  }

  async prune(): Promise<number> {
    const result = await this.dataSource
      .getRepository(SecurityEvent)
      .createQueryBuilder()
      .delete()
      .where(`created_at < now() - make_interval(days => :days)`, { days: SECURITY_LOG_RETENTION_DAYS })
      .execute();
    return result.affected ?? 0;
  }
}
