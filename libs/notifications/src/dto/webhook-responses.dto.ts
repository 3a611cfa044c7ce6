import { ApiProperty } from '@nestjs/swagger';
import { ApiDateTime, ApiUuid } from '@farmhand/core';
import { DELIVERY_STATUSES, WEBHOOK_EVENTS } from '../webhook-events';

/** A webhook endpoint; its secret is only in the answers of create and rotate-secret. */
export class WebhookDto {
  @ApiUuid() id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ enum: WEBHOOK_EVENTS, enumName: 'WebhookEvent', isArray: true }) events!: string[];
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiDateTime() createdAt!: string;
  @ApiDateTime({ nullable: true }) lastDeliveryAt!: string | null;
  @ApiProperty({ enum: ['delivered', 'failed'], nullable: true }) lastStatus!: 'delivered' | 'failed' | null;
}

export class CreatedWebhookDto extends WebhookDto {
  @ApiProperty({ description: 'Signs every delivery (HMAC-SHA256); shown here and after a rotation only' })
  secret!: string;
}

export class WebhookListDto {
  @ApiProperty({ type: [WebhookDto] }) items!: WebhookDto[];
}

export class WebhookSecretDto {
  @ApiProperty({ description: 'The new signing secret; the old one stopped signing' }) secret!: string;
}

export class WebhookDeliveryDto {
  @ApiUuid() id!: string;
  @ApiProperty({ description: 'One of the subscribable events, or webhook.test' }) event!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status!: 'pending' | 'delivered' | 'failed';
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: Number, nullable: true, description: "The receiver's HTTP status" })
  responseStatus!: number | null;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiDateTime() createdAt!: string;
  @ApiDateTime({ nullable: true }) deliveredAt!: string | null;
}

export class WebhookDeliveryListDto {
  @ApiProperty({ type: [WebhookDeliveryDto], description: 'Newest first' }) items!: WebhookDeliveryDto[];
}
