import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { AccessDeniedEvent } from '@farmhand/authz';
import { OnJob, type JobPayloads } from '@farmhand/core';
import { DataSource } from 'typeorm';
import { AuditService } from './audit.service';

@Injectable()
export class AuditListener {
  constructor(
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
  ) {}

  /** Refused attempts are part of the record too: who tried what, and when. */
  @OnEvent('access.denied', { async: true, promisify: true, suppressErrors: true })
  async onAccessDenied(event: AccessDeniedEvent): Promise<void> {
    await this.audit.record(this.dataSource.manager, {
      orgId: event.orgId,
      principal: event.principal,
      action: event.rules.map(([action, subject]) => `${subject.toLowerCase()}.${action}`).join(','),
      subject: { type: event.rules[0]?.[1] ?? 'unknown' },
      result: 'denied',
      details: { route: event.route },
    });
  }

  @OnJob('audit.prune')
  async prune(payload: JobPayloads['audit.prune']): Promise<{ status: string; deleted: number }> {
    const deleted = await this.audit.prune(payload.olderThanDays);
    return { status: 'pruned', deleted };
  }
}
