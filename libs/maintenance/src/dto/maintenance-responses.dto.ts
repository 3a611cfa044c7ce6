import { ApiProperty } from '@nestjs/swagger';
import { ApiDateTime } from '@farmhand/core';
import { INTERVAL_KINDS } from '../entities/maintenance-task.entity';

export class MaintenanceTaskDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) printerId!: string | null;
  @ApiProperty({ type: String, nullable: true }) printerModel!: string | null;
  @ApiProperty({ enum: INTERVAL_KINDS, enumName: 'MaintenanceIntervalKind' }) intervalKind!: string;
  @ApiProperty() intervalValue!: number;
  @ApiProperty() holdWhenOverdue!: boolean;
  @ApiProperty({ type: [String] }) checklist!: string[];
  @ApiDateTime() createdAt!: string;
}

export class MaintenanceStatusDto {
  @ApiProperty({ format: 'uuid' }) taskId!: string;
  @ApiProperty() taskName!: string;
  @ApiProperty({ format: 'uuid' }) printerId!: string;
  @ApiProperty() printerName!: string;
  @ApiProperty({ enum: INTERVAL_KINDS, enumName: 'MaintenanceIntervalKind' }) intervalKind!: string;
  @ApiProperty() intervalValue!: number;
  @ApiProperty({ description: 'Of the interval, in its unit, since it was last done' }) used!: number;
  @ApiProperty({ description: 'Interval left (negative when overdue)' }) remaining!: number;
  @ApiProperty({ enum: ['ok', 'due', 'overdue'], description: 'due: 90% of the interval used' }) state!: string;
  @ApiProperty({ description: 'The scheduler holds the printer (overdue and the task says so)' }) holding!: boolean;
  @ApiDateTime({ nullable: true }) lastCompletedAt!: string | null;
}

export class MaintenanceOverviewDto {
  @ApiProperty({ type: [MaintenanceTaskDto] }) tasks!: MaintenanceTaskDto[];
  @ApiProperty({ type: [MaintenanceStatusDto] }) status!: MaintenanceStatusDto[];
}

export class ChecklistItemDto {
  @ApiProperty() item!: string;
  @ApiProperty() done!: boolean;
}

export class MaintenancePhotoDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() width!: number;
  @ApiProperty() height!: number;
}

export class MaintenanceCompletionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) taskId!: string;
  @ApiProperty() taskName!: string;
  @ApiProperty({ format: 'uuid' }) printerId!: string;
  @ApiProperty({ type: String, nullable: true }) notes!: string | null;
  @ApiProperty({ type: [ChecklistItemDto] }) checklist!: ChecklistItemDto[];
  @ApiProperty({ description: 'Print hours on the printer when it was done' }) printHours!: number;
  @ApiProperty() filamentGrams!: number;
  @ApiProperty() prints!: number;
  @ApiDateTime() completedAt!: string;
  @ApiProperty({
    type: [MaintenancePhotoDto],
    description: 'Photos taken when it was done: GET …/maintenance/completions/:id/photos/:photoId',
  })
  photos!: MaintenancePhotoDto[];
}

export class MaintenanceHistoryDto {
  @ApiProperty({ type: [MaintenanceCompletionDto] }) items!: MaintenanceCompletionDto[];
}

export class CompletedMaintenanceDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiDateTime() completedAt!: string;
}
