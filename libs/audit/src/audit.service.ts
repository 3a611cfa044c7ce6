import { Injectable } from '@nestjs/common';
import { actorOf, type Principal } from '@farmhand/authz';
import { RequestContext } from '@farmhand/core';
import type { EntityManager } from 'typeorm';
import { AuditRepository, type AuditQuery } from './audit.repository';
import type { AuditEntry, AuditResult } from './entities/audit-entry.entity';

export interface AuditRecord {
  orgId: string | null;
  principal: Principal;
  action: string;
  subject: { type: string; id?: string | null };
  result?: AuditResult;
  /** Facts about the change. Never a secret: callers pass names and ids, not tokens. */
  details?: Record<string, unknown>;
}

const SECRET_KEYS = /pass|secret|token|credential|key|code/i;

function scrub(details: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(details).filter(([key]) => !SECRET_KEYS.test(key) || key === 'keyId'));
}

/** Writes audit entries inside the caller's transaction, so an entry exists exactly when its change does. */
@Injectable()
export class AuditService {
  constructor(private readonly repository: AuditRepository) {}

  async record(manager: EntityManager, record: AuditRecord): Promise<void> {
    const actor = actorOf(record.principal);
    const context = RequestContext.current();
    await this.repository.insert(manager, {
      orgId: record.orgId,
      actorType: actor.type,
      actorId: actor.id,
      actorLabel: actor.label.slice(0, 320),
      action: record.action,
      subjectType: record.subject.type,
      subjectId: record.subject.id ?? null,
      result: record.result ?? 'success',
      details: scrub(record.details ?? {}),
      ip: context?.clientIp ?? null,
      correlationId: context?.correlationId ?? null,
    });
  }

  list(query: AuditQuery): Promise<AuditEntry[]> {
    return this.repository.list(query);
  }

  prune(olderThanDays: number): Promise<number> {
    return this.repository.deleteOlderThan(new Date(Date.now() - olderThanDays * 24 * 3600 * 1000));
  }
}
