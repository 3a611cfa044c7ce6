import { Injectable } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import type { Principal } from '@farmhand/authz';
import { DataSource } from 'typeorm';
import type { NotificationSettingsDto } from '../dto/notification-preference.dto';
import { NotificationPreferencesRepository } from './notification-preferences.repository';

/** How long a plate may wait to be cleared before `bed.waiting`, unless the organization chose otherwise. */
export const DEFAULT_BED_WAITING_MINUTES = 15;

/** An organization's notification settings: whole-organization admins (the `NotificationChannel` subject). */
@Injectable()
export class NotificationSettingsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: NotificationPreferencesRepository,
    private readonly audit: AuditService,
  ) {}

  async get(orgId: string): Promise<NotificationSettingsDto> {
    return {
      bedWaitingMinutes: (await this.repository.settings(orgId))?.bedWaitingMinutes ?? DEFAULT_BED_WAITING_MINUTES,
    };
  }

  update(principal: Principal, orgId: string, input: NotificationSettingsDto): Promise<NotificationSettingsDto> {
    return this.dataSource.transaction(async (manager) => {
      const saved = await this.repository.saveSettings(manager, orgId, input.bedWaitingMinutes);
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'notificationSettings.updated',
        subject: { type: 'Organization', id: orgId },
        details: { bedWaitingMinutes: saved.bedWaitingMinutes },
      });
      return { bedWaitingMinutes: saved.bedWaitingMinutes };
    });
  }
}
