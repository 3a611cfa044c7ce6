import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsNumber,
  IsObject,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ApiDateTime, ApiUuid } from '@farmhand/core';
import { MAX_WEBHOOK_URL_LENGTH } from '../webhook-url';

/** The browser's keys (RFC 8291), base64url: a P-256 public key (65 bytes) and a 16-byte authentication secret. */
export class PushSubscriptionKeysDto {
  @ApiProperty({ description: "The browser's P-256 public key, base64url (65 bytes uncompressed)" })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{86,88}={0,2}$/, { message: 'keys.p256dh must be a base64url P-256 public key' })
  p256dh!: string;

  @ApiProperty({ description: "The browser's authentication secret, base64url (16 bytes)" })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{22}(==)?$/, { message: 'keys.auth must be a base64url 16-byte secret' })
  auth!: string;
}

/** What `PushSubscription.toJSON()` gives in the browser. */
export class CreatePushSubscriptionDto {
  @ApiProperty({ description: "The push service's endpoint for this browser (https)", maxLength: 2048 })
  @IsString()
  @MaxLength(MAX_WEBHOOK_URL_LENGTH)
  endpoint!: string;

  @ApiPropertyOptional({ type: 'number', nullable: true, description: 'Sent by browsers; not used' })
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsNumber()
  expirationTime?: number | null;

  @ApiProperty({ type: PushSubscriptionKeysDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => PushSubscriptionKeysDto)
  keys!: PushSubscriptionKeysDto;
}

export class DeletePushSubscriptionDto {
  @ApiProperty({ description: 'The endpoint of the subscription to remove (your own)', maxLength: 2048 })
  @IsString()
  @MaxLength(MAX_WEBHOOK_URL_LENGTH)
  endpoint!: string;
}

export class PushSubscriptionDto {
  @ApiUuid()
  id!: string;

  @ApiDateTime()
  createdAt!: string;
}

export class PushPublicKeyDto {
  @ApiProperty({
    type: 'string',
    nullable: true,
    description: "The server's VAPID public key (base64url) for pushManager.subscribe; null: push is not configured",
  })
  publicKey!: string | null;
}

export class PushTestDto {
  @ApiProperty({ type: 'integer', description: 'How many of your browsers a test notification was queued for' })
  subscriptions!: number;
}
