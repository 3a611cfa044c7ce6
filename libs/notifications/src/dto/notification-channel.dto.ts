import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { ApiDateTime, ApiUuid } from '@farmhand/core';
import { CHANNEL_KINDS, MAX_EMAIL_RECIPIENTS, type ChannelKind } from '../channels/channel-kinds';
import { WEBHOOK_EVENTS, type SubscribableWebhookEvent } from '../webhook-events';
import { MAX_WEBHOOK_URL_LENGTH } from '../webhook-url';

const EVENTS_MESSAGE = `events must be some of ${WEBHOOK_EVENTS.join(', ')}`;
const NAME = /\S/;
const present = (_: unknown, value: unknown) => value !== undefined;

/** The destination fields; which ones a kind takes is checked by the service (channel-kinds.ts). */
class ChannelTargetDto {
  @ApiPropertyOptional({ description: 'Slack incoming webhook or Discord webhook URL (https); a credential' })
  @ValidateIf(present)
  @IsString()
  @MaxLength(MAX_WEBHOOK_URL_LENGTH)
  webhookUrl?: string;

  @ApiPropertyOptional({ description: 'Slack bot token (xoxb-…) or Telegram bot token (from BotFather); a credential' })
  @ValidateIf(present)
  @IsString()
  @MaxLength(300)
  botToken?: string;

  @ApiPropertyOptional({ description: 'Slack conversation id (C…), with a bot token' })
  @ValidateIf(present)
  @IsString()
  @MaxLength(32)
  slackChannelId?: string;

  @ApiPropertyOptional({ description: 'Telegram chat id (numeric) or @channel name' })
  @ValidateIf(present)
  @IsString()
  @MaxLength(40)
  telegramChatId?: string;

  @ApiPropertyOptional({ description: 'ntfy server, e.g. https://ntfy.sh' })
  @ValidateIf(present)
  @IsString()
  @MaxLength(MAX_WEBHOOK_URL_LENGTH)
  ntfyServerUrl?: string;

  @ApiPropertyOptional({ description: 'ntfy topic' })
  @ValidateIf(present)
  @IsString()
  @MaxLength(64)
  ntfyTopic?: string;

  @ApiPropertyOptional({ description: 'ntfy access token (tk_…) for protected topics; a credential' })
  @ValidateIf(present)
  @IsString()
  @MaxLength(100)
  ntfyToken?: string;

  @ApiPropertyOptional({ type: [String], description: 'Mail addresses (email channels)' })
  @ValidateIf(present)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_EMAIL_RECIPIENTS)
  @IsString({ each: true })
  @MaxLength(254, { each: true })
  emailTo?: string[];
}

export class CreateNotificationChannelDto extends ChannelTargetDto {
  @ApiProperty({ enum: CHANNEL_KINDS, enumName: 'NotificationChannelKind' })
  @IsIn(CHANNEL_KINDS)
  kind!: ChannelKind;

  @ApiProperty({ maxLength: 100 })
  @IsString()
  @MaxLength(100)
  @Matches(NAME, { message: 'name must not be blank' })
  name!: string;

  @ApiProperty({ enum: WEBHOOK_EVENTS, enumName: 'WebhookEvent', isArray: true })
  @IsArray()
  @ArrayMinSize(1, { message: 'events must name at least one event' })
  @ArrayMaxSize(WEBHOOK_EVENTS.length)
  @ArrayUnique({ message: 'events must not repeat an event' })
  @IsIn(WEBHOOK_EVENTS, { each: true, message: EVENTS_MESSAGE })
  events!: SubscribableWebhookEvent[];

  @ApiPropertyOptional({ type: [String], nullable: true, description: 'Only events of these fleets; null: all' })
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  fleetIds?: string[] | null;
}

export class UpdateNotificationChannelDto extends ChannelTargetDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @ValidateIf(present)
  @IsString()
  @MaxLength(100)
  @Matches(NAME, { message: 'name must not be blank' })
  name?: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENTS, enumName: 'WebhookEvent', isArray: true })
  @ValidateIf(present)
  @IsArray()
  @ArrayMinSize(1, { message: 'events must name at least one event' })
  @ArrayMaxSize(WEBHOOK_EVENTS.length)
  @ArrayUnique({ message: 'events must not repeat an event' })
  @IsIn(WEBHOOK_EVENTS, { each: true, message: EVENTS_MESSAGE })
  events?: SubscribableWebhookEvent[];

  @ApiPropertyOptional({ type: [String], nullable: true })
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  fleetIds?: string[] | null;

  @ApiPropertyOptional()
  @ValidateIf(present)
  @IsBoolean()
  enabled?: boolean;
}

/** A channel; its credentials never come back (not even right after creation: the admin just typed them). */
export class NotificationChannelDto {
  @ApiUuid() id!: string;
  @ApiProperty({ enum: CHANNEL_KINDS, enumName: 'NotificationChannelKind' }) kind!: ChannelKind;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Where it posts, without credentials' }) target!: string;
  @ApiProperty({ enum: WEBHOOK_EVENTS, enumName: 'WebhookEvent', isArray: true }) events!: string[];
  @ApiProperty({ type: [String], nullable: true }) fleetIds!: string[] | null;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ description: 'Credentials are stored (encrypted) for this channel' }) hasCredentials!: boolean;
  @ApiDateTime() createdAt!: string;
  @ApiDateTime({ nullable: true }) lastDeliveryAt!: string | null;
  @ApiProperty({ enum: ['delivered', 'failed'], nullable: true }) lastStatus!: 'delivered' | 'failed' | null;
}

export class NotificationChannelListDto {
  @ApiProperty({ type: [NotificationChannelDto] }) items!: NotificationChannelDto[];
}
