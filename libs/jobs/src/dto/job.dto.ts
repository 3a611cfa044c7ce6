import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { QueryLimit, QueryOffset } from '@farmhand/core';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

export const MAX_COPIES_PER_JOB = 1000;

/** Each field: a value to require, null for "any", or absent to take it from the file's slicer metadata. */
export class RequirementsDto {
  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @Matches(/^[\p{L}\p{N} _.+-]{1,50}$/u, { message: 'material must be 1-50 letters, digits, spaces or _ . + -' })
  material?: string | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0.1, maximum: 3 })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsNumber()
  @Min(0.1)
  @Max(3)
  nozzleDiameter?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0, exclusiveMinimum: true, maximum: 5000 })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsNumber()
  @IsPositive()
  @Max(5000)
  minBuildX?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0, exclusiveMinimum: true, maximum: 5000 })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsNumber()
  @IsPositive()
  @Max(5000)
  minBuildY?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0, exclusiveMinimum: true, maximum: 5000 })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsNumber()
  @IsPositive()
  @Max(5000)
  minBuildZ?: number | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'The printer model the file was sliced for (from the file by default); null: any model',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @Matches(/^[\p{L}\p{N} _.+()-]{1,100}$/u, {
    message: 'printerModel must be 1-100 letters, digits, spaces or _ . + ( ) -',
  })
  printerModel?: string | null;

  @ApiPropertyOptional({
    description:
      'Override: send the file to any printer, whatever formats its agent uploads (default: a .bgcode only to Prusa Link printers, a .3mf only to Bambu printers, G-code to printers that take it)',
  })
  @IsOptional()
  @IsBoolean()
  anyPrinterKind?: boolean;
}

/** Bambu Lab: which plate of a project 3MF to print, and the AMS slot (0-15) for each filament (-1: external spool). */
export class BambuPrintDto {
  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 1,
    maximum: 64,
    description: 'Default: the first sliced plate',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(1)
  @Max(64)
  plate?: number | null;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'integer' },
    nullable: true,
    description: 'AMS slot per filament id - 1; null: no AMS',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsArray()
  @ArrayMaxSize(32)
  @IsInt({ each: true })
  @Min(-1, { each: true })
  @Max(15, { each: true })
  amsMapping?: number[] | null;
}

class JobFieldsDto {
  @ApiPropertyOptional({ type: 'integer', minimum: -100, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(-100)
  @Max(100)
  priority?: number;

  @ApiPropertyOptional({ type: RequirementsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RequirementsDto)
  requirements?: RequirementsDto;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Only printers of these fleets' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true, message: 'fleetIds must be fleet ids' })
  fleetIds?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @Matches(/^[\p{L}\p{N}_.:-]{1,40}$/u, { each: true, message: 'requiredTags must be 1-40 letters, digits or _ . : -' })
  requiredTags?: string[];

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'ISO 8601; no copy starts before it',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsISO8601({ strict: true })
  earliestStartAt?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  notes?: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'Labels for reports and quotas (a project, a class, a customer)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  @Matches(/^[\p{L}\p{N}_.:-]{1,40}$/u, { each: true, message: 'tags must be 1-40 letters, digits or _ . : -' })
  tags?: string[];

  @ApiPropertyOptional({ type: BambuPrintDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => BambuPrintDto)
  bambu?: BambuPrintDto;
}

export class CreateJobDto extends JobFieldsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'fileId must be a file id' })
  fileId!: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_COPIES_PER_JOB })
  @IsInt()
  @Min(1)
  @Max(MAX_COPIES_PER_JOB)
  copies!: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  held?: boolean;
}

export class UpdateJobDto extends JobFieldsDto {}

export const MAX_PINNED_PRINTERS = 100;

/** "Print this file on the selected printers": one job of one copy pinned to each printer. */
export class PrintOnPrintersDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'fileId must be a file id' })
  fileId!: string;

  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: MAX_PINNED_PRINTERS })
  @IsArray()
  @ArrayMinSize(1, { message: 'printerIds must name at least one printer' })
  @ArrayMaxSize(MAX_PINNED_PRINTERS)
  @IsUUID('all', { each: true, message: 'printerIds must be printer ids' })
  printerIds!: string[];

  @ApiPropertyOptional({ type: 'integer', minimum: -100, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(-100)
  @Max(100)
  priority?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  notes?: string;
}

/** Move a job before or after another (taking its priority), or give it a new priority (it keeps its age). */
export class ReorderJobDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Move just before this job' })
  @IsOptional()
  @IsUUID('all', { message: 'beforeJobId must be a job id' })
  beforeJobId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Move just after this job' })
  @IsOptional()
  @IsUUID('all', { message: 'afterJobId must be a job id' })
  afterJobId?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: -100, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(-100)
  @Max(100)
  priority?: number;
}

export class ListJobsDto {
  @ApiPropertyOptional({
    enum: ['active', 'finished', 'all'],
    default: 'active',
    description: 'active: in queue order; finished and all: newest first',
  })
  @IsOptional()
  @IsIn(['active', 'finished', 'all'])
  status?: 'active' | 'finished' | 'all';

  @QueryLimit(500, 100) limit?: number;
  @QueryOffset() offset?: number;
}

export class ConfirmBedClearDto {
  @ApiPropertyOptional({
    enum: ['good', 'bad'],
    enumName: 'CopyOutcome',
    description: 'Required when a finished print waits on the bed',
  })
  @IsOptional()
  @IsIn(['good', 'bad'])
  outcome?: 'good' | 'bad';

  @ApiPropertyOptional({ description: 'Queue a bad print again' })
  @IsOptional()
  @IsBoolean()
  requeue?: boolean;
}

export class HistoryQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Default: 30 days before `to`' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Default: now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @QueryLimit(1000, 200) limit?: number;
}

export class UtilizationQueryDto {
  @ApiProperty({ format: 'date-time' }) @IsISO8601({ strict: true }) from!: string;
  @ApiProperty({ format: 'date-time' }) @IsISO8601({ strict: true }) to!: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() fleetId?: string;
}
