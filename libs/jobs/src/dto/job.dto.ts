import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
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
  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @Matches(/^[\p{L}\p{N} _.+-]{1,50}$/u, { message: 'material must be 1-50 letters, digits, spaces or _ . + -' })
  material?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsNumber()
  @Min(0.1)
  @Max(3)
  nozzleDiameter?: number | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsNumber()
  @IsPositive()
  @Max(5000)
  minBuildX?: number | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsNumber()
  @IsPositive()
  @Max(5000)
  minBuildY?: number | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsNumber()
  @IsPositive()
  @Max(5000)
  minBuildZ?: number | null;
}

class JobFieldsDto {
  @ApiPropertyOptional({ minimum: -100, maximum: 100 })
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

  @ApiPropertyOptional({ type: [String] })
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

  @ApiPropertyOptional({ nullable: true, description: 'ISO 8601; no copy starts before it' })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsISO8601({ strict: true })
  earliestStartAt?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  notes?: string;
}

export class CreateJobDto extends JobFieldsDto {
  @ApiProperty()
  @IsUUID('all', { message: 'fileId must be a file id' })
  fileId!: string;

  @ApiProperty({ minimum: 1, maximum: MAX_COPIES_PER_JOB })
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

/** Move a job before or after another (taking its priority), or give it a new priority (it keeps its age). */
export class ReorderJobDto {
  @IsOptional() @IsUUID('all', { message: 'beforeJobId must be a job id' }) beforeJobId?: string;
  @IsOptional() @IsUUID('all', { message: 'afterJobId must be a job id' }) afterJobId?: string;
  @IsOptional() @IsInt() @Min(-100) @Max(100) priority?: number;
}

export class ListJobsDto {
  @IsOptional() @IsIn(['active', 'finished', 'all']) status?: 'active' | 'finished' | 'all';
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset?: number;
}

export class ConfirmBedClearDto {
  @ApiPropertyOptional({ enum: ['good', 'bad'], description: 'Required when a finished print waits on the bed' })
  @IsOptional()
  @IsIn(['good', 'bad'])
  outcome?: 'good' | 'bad';

  @ApiPropertyOptional({ description: 'Queue a bad print again' })
  @IsOptional()
  @IsBoolean()
  requeue?: boolean;
}

export class HistoryQueryDto {
  @IsOptional() @IsISO8601({ strict: true }) from?: string;
  @IsOptional() @IsISO8601({ strict: true }) to?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class UtilizationQueryDto {
  @IsISO8601({ strict: true }) from!: string;
  @IsISO8601({ strict: true }) to!: string;
  @IsOptional() @IsUUID() fleetId?: string;
}
