import { Injectable } from '@nestjs/common';
import { FleetDirectory } from '@farmhand/accounts';
import { AuditService } from '@farmhand/audit';
import { ForbiddenError, subject, type AppAbility, type Principal } from '@farmhand/authz';
import { DomainException } from '@farmhand/core';
import { DataSource } from 'typeorm';
import type { NotificationPreferencesDto, UpdateNotificationPreferencesDto } from '../dto/notification-preference.dto';
import type { NotificationPreference } from '../entities/notification-preference.entity';
import { NotificationPreferencesRepository } from './notification-preferences.repository';
import { formatClock, isTimeZone, parseClock } from './quiet-hours';

const DEFAULTS: NotificationPreferencesDto = {
  emailEvents: [],
  pushEvents: [],
  urgentEvents: [],
  fleetIds: null,
  timeZone: 'UTC',
  quietHours: null,
  digestHour: null,
  updatedAt: null,
};

export function toPreferencesView(row: NotificationPreference | null): NotificationPreferencesDto {
  if (!row) return { ...DEFAULTS };
  return {
    emailEvents: row.emailEvents,
    pushEvents: row.pushEvents,
    urgentEvents: row.urgentEvents,
    fleetIds: row.fleetIds,
    timeZone: row.timeZone,
    quietHours:
      row.quietStart !== null && row.quietEnd !== null
        ? { start: formatClock(row.quietStart), end: formatClock(row.quietEnd) }
        : null,
    digestHour: row.digestHour,
    updatedAt: row.updatedAt.toISOString(),
  };
}

function userIdOf(principal: Principal): string {
  // The route's policy admits members only (API keys hold no NotificationPreference grant).
  if (principal.kind !== 'user') throw DomainException.forbidden('forbidden', 'Only members have preferences');
  return principal.userId;
}

/**
 * A member's own notification preferences: every role may read and set their own, nobody anyone else's. Fleets
 * chosen must be ones the member may read now; what is delivered is clamped again at send time (personal-delivery.ts).
 */
@Injectable()
export class NotificationPreferencesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly preferences: NotificationPreferencesRepository,
    private readonly fleets: FleetDirectory,
    private readonly audit: AuditService,
  ) {}

  async get(principal: Principal, ability: AppAbility, orgId: string): Promise<NotificationPreferencesDto> {
    const userId = userIdOf(principal);
    ForbiddenError.from(ability).throwUnlessCan('read', subject('NotificationPreference', { orgId, userId }));
    return toPreferencesView(await this.preferences.find(orgId, userId));
  }

  async update(
    principal: Principal,
    ability: AppAbility,
    orgId: string,
    input: UpdateNotificationPreferencesDto,
  ): Promise<NotificationPreferencesDto> {
    const userId = userIdOf(principal);
    ForbiddenError.from(ability).throwUnlessCan('update', subject('NotificationPreference', { orgId, userId }));
    if (!isTimeZone(input.timeZone))
      throw DomainException.invalid('invalid_time_zone', 'timeZone must be an IANA time zone name', 'timeZone');
    const urgentNotChosen = input.urgentEvents.filter(
      (event) => !input.emailEvents.includes(event) && !input.pushEvents.includes(event),
    );
    if (urgentNotChosen.length)
      throw DomainException.invalid(
        'invalid_urgent_events',
        'urgentEvents must be events chosen for email or push',
        'urgentEvents',
      );
    const fleetIds = input.fleetIds ? [...new Set(input.fleetIds)] : null;
    if (fleetIds) await this.assertReadableFleets(ability, orgId, fleetIds);
    return this.dataSource.transaction(async (manager) => {
      const saved = await this.preferences.save(manager, {
        orgId,
        userId,
        emailEvents: input.emailEvents,
        pushEvents: input.pushEvents,
        urgentEvents: input.urgentEvents,
        fleetIds,
        timeZone: input.timeZone,
        quietStart: input.quietHours ? parseClock(input.quietHours.start) : null,
        quietEnd: input.quietHours ? parseClock(input.quietHours.end) : null,
        digestHour: input.digestHour,
      });
      const view = toPreferencesView(saved);
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'notificationPreference.updated',
        subject: { type: 'NotificationPreference', id: saved.id },
        details: {
          emailEvents: view.emailEvents,
          pushEvents: view.pushEvents,
          urgentEvents: view.urgentEvents,
          fleetIds: view.fleetIds,
          timeZone: view.timeZone,
          quietHours: view.quietHours,
          digestHour: view.digestHour,
        },
      });
      return view;
    });
  }

  /** Unknown fleets and fleets outside the member's limit read the same: no such fleet for them. */
  private async assertReadableFleets(ability: AppAbility, orgId: string, fleetIds: string[]): Promise<void> {
    const readable = fleetIds.every((id) => ability.can('read', subject('Fleet', { orgId, id })));
    if (!readable || (await this.fleets.countInOrg(orgId, fleetIds)) !== fleetIds.length)
      throw DomainException.invalid('fleet_not_found', 'fleetIds must name fleets you may read', 'fleetIds');
  }
}
