import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** What a report counts; every table and export of the page takes the same filter. */
export class ReportQueryDto {
  @ApiProperty({ example: '2026-01-01', description: 'First day counted (UTC), YYYY-MM-DD' })
  @Matches(DAY, { message: 'from must be a day, YYYY-MM-DD' })
  from!: string;

  @ApiProperty({ example: '2026-01-31', description: 'Last day counted (UTC, included), YYYY-MM-DD' })
  @Matches(DAY, { message: 'to must be a day, YYYY-MM-DD' })
  to!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only printers of this fleet' })
  @IsOptional()
  @IsUUID('all', { message: 'fleetId must be a fleet id' })
  fleetId?: string;

  @ApiPropertyOptional({ description: 'Only jobs this member queued (their user id)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  memberId?: string;

  @ApiPropertyOptional({ description: 'Only jobs carrying this tag' })
  @IsOptional()
  @Matches(/^[\p{L}\p{N}_.:-]{1,40}$/u, { message: 'tag must be 1-40 letters, digits or _ . : -' })
  tag?: string;
}

export const EXPORT_TABLES = ['printers', 'members', 'tags', 'materials', 'failures', 'jobs', 'prints'] as const;
export type ExportTable = (typeof EXPORT_TABLES)[number];

export class ExportTableParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'orgId must be an organization id' })
  orgId!: string;

  @ApiProperty({ enum: EXPORT_TABLES, enumName: 'ReportTable' })
  @IsIn(EXPORT_TABLES, { message: `table must be one of ${EXPORT_TABLES.join(', ')}` })
  table!: ExportTable;
}

export class ModelWattsDto {
  @ApiProperty({ example: 'MK4S', description: 'The printer model as printers report it (case-insensitive)' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  model!: string;

  @ApiProperty({ minimum: 0, maximum: 100_000, description: 'Average draw while printing, in watts' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100_000)
  watts!: number;
}

/** Every field optional, none nullable: a setting is changed to a value or left alone. */
export class UpdateReportSettingsDto {
  @ApiPropertyOptional({ example: 'EUR', description: 'ISO 4217 code; amounts are in its cents' })
  @ValidateIf((_, value) => value !== undefined)
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be a three-letter code such as EUR' })
  currency?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 1_000_000 })
  @ValidateIf((_, value) => value !== undefined)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1_000_000)
  energyCentsPerKwh?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1_000_000 })
  @ValidateIf((_, value) => value !== undefined)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1_000_000)
  machineCentsPerHour?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 100_000, description: 'Watts of a model without an entry' })
  @ValidateIf((_, value) => value !== undefined)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100_000)
  defaultWatts?: number;

  @ApiPropertyOptional({ type: [ModelWattsDto], description: 'Replaces the whole list' })
  @ValidateIf((_, value) => value !== undefined)
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => ModelWattsDto)
  modelWatts?: ModelWattsDto[];
}
