import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { INTERVAL_KINDS, type IntervalKind } from '../entities/maintenance-task.entity';

export const MAX_CHECKLIST_ITEMS = 30;

export class CreateMaintenanceTaskDto {
  @ApiProperty({ maxLength: 120, example: 'Lubricate rails' })
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  name!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'One printer; or printerModel for every printer of a model' })
  @IsOptional()
  @IsUUID()
  printerId?: string;

  @ApiPropertyOptional({ maxLength: 128, example: 'MK4S' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  printerModel?: string;

  @ApiProperty({ enum: INTERVAL_KINDS, enumName: 'MaintenanceIntervalKind' })
  @IsIn(INTERVAL_KINDS)
  intervalKind!: IntervalKind;

  @ApiProperty({ minimum: 0.01, maximum: 1_000_000, description: 'Hours, grams, prints or days' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.01)
  @Max(1_000_000)
  intervalValue!: number;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  holdWhenOverdue?: boolean;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_CHECKLIST_ITEMS })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CHECKLIST_ITEMS)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  checklist?: string[];
}

export class UpdateMaintenanceTaskDto {
  @ApiPropertyOptional({ maxLength: 120 })
  @ValidateIf((_, value) => value !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  name?: string;

  @ApiPropertyOptional({ enum: INTERVAL_KINDS, enumName: 'MaintenanceIntervalKind' })
  @ValidateIf((_, value) => value !== undefined)
  @IsIn(INTERVAL_KINDS)
  intervalKind?: IntervalKind;

  @ApiPropertyOptional({ minimum: 0.01, maximum: 1_000_000 })
  @ValidateIf((_, value) => value !== undefined)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.01)
  @Max(1_000_000)
  intervalValue?: number;

  @ApiPropertyOptional()
  @ValidateIf((_, value) => value !== undefined)
  @IsBoolean()
  holdWhenOverdue?: boolean;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_CHECKLIST_ITEMS })
  @ValidateIf((_, value) => value !== undefined)
  @IsArray()
  @ArrayMaxSize(MAX_CHECKLIST_ITEMS)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  checklist?: string[];
}

export class CompleteMaintenanceTaskDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  printerId!: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 2000 })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MaxLength(2000)
  notes?: string | null;

  @ApiPropertyOptional({ type: [Boolean], description: "The task's checklist, ticked, in its order" })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CHECKLIST_ITEMS)
  @IsBoolean({ each: true })
  checklist?: boolean[];
}

export class ListMaintenanceDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  printerId?: string;
}

export class MaintenanceHistoryQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
