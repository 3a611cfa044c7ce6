import { ApiProperty } from '@nestjs/swagger';
import { ApiDateTime, ApiUuid } from '@farmhand/core';
import { ALERT_LEVELS, ALERT_STATES, type AlertLevel, type AlertState } from '../entities/detection-alert.entity';

export class StoredFrameDto {
  @ApiUuid() id!: string;
  @ApiDateTime({ description: 'The capture time, or the arrival time when the agent’s clock is off' })
  takenAt!: string;
  @ApiProperty({ enum: ['queued', 'skipped'], description: 'Only frames of a running print are scored' })
  inference!: 'queued' | 'skipped';
}

export class AlertBoxDto {
  @ApiProperty({ minimum: 0, maximum: 1, description: 'Left edge, as a fraction of the frame width' }) x!: number;
  @ApiProperty({ minimum: 0, maximum: 1, description: 'Top edge, as a fraction of the frame height' }) y!: number;
  @ApiProperty({ minimum: 0, maximum: 1, description: 'Width, as a fraction of the frame width' }) w!: number;
  @ApiProperty({ minimum: 0, maximum: 1, description: 'Height, as a fraction of the frame height' }) h!: number;
  @ApiProperty({ minimum: 0, maximum: 1, description: 'The score of this part of the frame' }) score!: number;
}

export class AlertDto {
  @ApiUuid() id!: string;
  @ApiUuid() printerId!: string;
  @ApiProperty() printerName!: string;
  @ApiUuid() fleetId!: string;
  @ApiProperty({ enum: ALERT_LEVELS, enumName: 'AlertLevel' }) level!: AlertLevel;
  @ApiProperty({ enum: ALERT_STATES, enumName: 'AlertState' }) state!: AlertState;
  @ApiProperty({ description: 'The failure score that raised it' }) score!: number;
  @ApiProperty({ description: 'The detector paused the print' }) paused!: boolean;
  @ApiUuid({ nullable: true }) copyId!: string | null;
  @ApiUuid({ nullable: true, description: 'The frame that raised it (GET …/frames/:frameId)' }) frameId!: string | null;
  @ApiProperty({
    type: [AlertBoxDto],
    description: 'Where the model saw the failure on that frame (its hottest tiles), hottest first',
  })
  boxes!: AlertBoxDto[];
  @ApiDateTime() createdAt!: string;
  @ApiDateTime({ nullable: true }) resolvedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Who resolved it' }) resolvedBy!: string | null;
}

export class AlertListDto {
  @ApiProperty({ type: [AlertDto], description: 'Newest first' }) items!: AlertDto[];
}
