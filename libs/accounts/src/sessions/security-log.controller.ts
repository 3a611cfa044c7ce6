import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, type Principal } from '@farmhand/authz';
import { ApiDateTime, ApiErrors, ApiUuid } from '@farmhand/core';
import { asUser } from '../auth.controller';
import { describeDevice } from './device';
import { SecurityLog } from './security-log.service';

export class SecurityEventDto {
  @ApiUuid() id!: string;
  @ApiProperty({ description: 'signed_in, signed_out, second_factor.failed, two_factor.enabled, password.changed, …' })
  event!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true }) ip!: string | null;
  @ApiProperty() device!: string;
  @ApiDateTime() createdAt!: Date;
}

@ApiTags('auth')
@Controller('auth/security-log')
export class SecurityLogController {
  constructor(private readonly log: SecurityLog) {}

  @Get()
  @Authenticated()
  @ApiOkResponse({ type: [SecurityEventDto], description: "The signed-in person's own security log, newest first" })
  @ApiErrors({ 403: ['users_only'] })
  async list(@CurrentPrincipal() principal: Principal) {
    const events = await this.log.list(asUser(principal).userId);
    return events.map((event) => ({
      id: event.id,
      event: event.event,
      details: event.details,
      ip: event.ip,
      device: describeDevice(event.userAgent),
      createdAt: event.createdAt,
    }));
  }
}
