import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ApiDateTime } from '@farmhand/core';
import { URGENT_EVENTS } from '../preferences/personal-events';
import { WEBHOOK_EVENTS, type SubscribableWebhookEvent } from '../webhook-events';

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;
const notNull = (_: unknown, value: unknown) => value !== null;

export class QuietHoursDto {
  @ApiProperty({ example: '22:00', description: 'Local time (HH:MM) the quiet hours begin' })
  @IsString()
  @Matches(CLOCK, { message: 'quietHours.start must be HH:MM' })
  start!: string;

  @ApiProperty({ example: '07:00', description: 'Local time (HH:MM) they end; before start: across midnight' })
  @IsString()
  @Matches(CLOCK, { message: 'quietHours.end must be HH:MM' })
  end!: string;
}

export class UpdateNotificationPreferencesDto {
  @ApiProperty({ enum: WEBHOOK_EVENTS, enumName: 'WebhookEvent', isArray: true, description: 'Events mailed to you' })
  @IsArray()
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENTS, { each: true, message: `emailEvents must be some of ${WEBHOOK_EVENTS.join(', ')}` })
  emailEvents!: SubscribableWebhookEvent[];

  @ApiProperty({ enum: WEBHOOK_EVENTS, enumName: 'WebhookEvent', isArray: true, description: 'Events pushed to you' })
  @IsArray()
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENTS, { each: true, message: `pushEvents must be some of ${WEBHOOK_EVENTS.join(', ')}` })
  pushEvents!: SubscribableWebhookEvent[];

  @ApiProperty({
    enum: URGENT_EVENTS,
    isArray: true,
    description: 'Events delivered anyway during quiet hours and outside the digest',
  })
  @IsArray()
  @ArrayUnique()
  @IsIn(URGENT_EVENTS, { each: true, message: `urgentEvents must be some of ${URGENT_EVENTS.join(', ')}` })
  urgentEvents!: SubscribableWebhookEvent[];

  @ApiProperty({
    type: [String],
    format: 'uuid',
    nullable: true,
    description: 'Only events of printers in these fleets; null: every fleet you may read',
  })
  @ValidateIf(notNull)
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true, message: 'fleetIds must be fleet ids' })
  fleetIds!: string[] | null;

  @ApiProperty({ example: 'Europe/Berlin', description: 'IANA time zone of the quiet hours and the digest hour' })
  @IsString()
  @MaxLength(64)
  timeZone!: string;

  @ApiProperty({ type: QuietHoursDto, nullable: true })
  @ValidateIf(notNull)
  @IsObject()
  @ValidateNested()
  @Type(() => QuietHoursDto)
  quietHours!: QuietHoursDto | null;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: 23,
    nullable: true,
    description: 'Local hour of the daily digest mail; null: mail each event',
  })
  @ValidateIf(notNull)
  @IsInt({ message: 'digestHour must be an hour (0-23)' })
  @Min(0, { message: 'digestHour must be an hour (0-23)' })
  @Max(23, { message: 'digestHour must be an hour (0-23)' })
  digestHour!: number | null;
}

export class NotificationPreferencesDto extends UpdateNotificationPreferencesDto {
  @ApiDateTime({ nullable: true, description: 'null: never saved (these are the defaults)' })
  updatedAt!: string | null;
}

export class NotificationSettingsDto {
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: 1440,
    description: 'Minutes a finished print’s plate may wait to be cleared before `bed.waiting` is sent',
  })
  @IsInt({ message: 'bedWaitingMinutes must be a whole number of minutes (1-1440)' })
  @Min(1, { message: 'bedWaitingMinutes must be a whole number of minutes (1-1440)' })
  @Max(1440, { message: 'bedWaitingMinutes must be a whole number of minutes (1-1440)' })
  bedWaitingMinutes!: number;
}
