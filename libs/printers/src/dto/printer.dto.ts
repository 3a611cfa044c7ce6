import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { QueryLimit, QueryOffset } from '@farmhand/core';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
  ValidateIf,
} from 'class-validator';

/** The bed area of the webcam picture, as fractions of its width and height. */
export class RegionOfInterestDto {
  @ApiProperty({ minimum: 0, maximum: 1 }) @IsNumber() @Min(0) @Max(1) x!: number;
  @ApiProperty({ minimum: 0, maximum: 1 }) @IsNumber() @Min(0) @Max(1) y!: number;
  @ApiProperty({ minimum: 0.05, maximum: 1 }) @IsNumber() @Min(0.05) @Max(1) width!: number;
  @ApiProperty({ minimum: 0.05, maximum: 1 }) @IsNumber() @Min(0.05) @Max(1) height!: number;
}

/** Failure detection for one printer; a field left out keeps its value (defaults: 1, false, 10, null). */
export class DetectionSettingsDto {
  @ApiPropertyOptional({ minimum: 0.8, maximum: 1.2, description: '0.8 (fewer alerts) to 1.2 (more alerts)' })
  @IsOptional()
  @IsNumber()
  @Min(0.8, { message: 'sensitivity must be between 0.8 and 1.2' })
  @Max(1.2, { message: 'sensitivity must be between 0.8 and 1.2' })
  sensitivity?: number;

  @ApiPropertyOptional({ description: 'Pause a print the detector finds failing' })
  @IsOptional()
  @IsBoolean()
  autoPause?: boolean;

  @ApiPropertyOptional({ type: 'integer', minimum: 2, maximum: 600, description: 'Seconds between webcam frames' })
  @IsOptional()
  @IsInt()
  @Min(2)
  @Max(600)
  frameIntervalSeconds?: number;

  @ApiPropertyOptional({ type: RegionOfInterestDto, nullable: true, description: 'null: the whole frame' })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @ValidateNested()
  @Type(() => RegionOfInterestDto)
  regionOfInterest?: RegionOfInterestDto | null;
}

export class UpdatePrinterDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Move it to this fleet' })
  @IsOptional()
  @IsUUID('all', { message: 'fleetId must be a fleet id' })
  fleetId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  model?: string;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 0,
    exclusiveMinimum: true,
    maximum: 5000,
    description: 'mm',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsNumber()
  @IsPositive()
  @Max(5000)
  buildX?: number | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 0,
    exclusiveMinimum: true,
    maximum: 5000,
    description: 'mm',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsNumber()
  @IsPositive()
  @Max(5000)
  buildY?: number | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 0,
    exclusiveMinimum: true,
    maximum: 5000,
    description: 'mm',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsNumber()
  @IsPositive()
  @Max(5000)
  buildZ?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0.1, maximum: 3, description: 'mm' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsNumber()
  @Min(0.1)
  @Max(3)
  nozzleDiameter?: number | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 50 })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(50)
  material?: string | null;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @Matches(/^[\p{L}\p{N}_.:-]{1,40}$/u, { each: true, message: 'tags must be 1-40 letters, digits or _ . : -' })
  tags?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  autoEject?: boolean;

  @ApiPropertyOptional({ type: DetectionSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => DetectionSettingsDto)
  detection?: DetectionSettingsDto;
}

const LISTED_STATES = ['offline', 'operational', 'printing', 'paused', 'error', 'unknown'];

export class ListPrintersDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() fleetId?: string;
  @ApiPropertyOptional({ enum: LISTED_STATES }) @IsOptional() @IsIn(LISTED_STATES) state?: string;
  @ApiPropertyOptional({ maxLength: 40 }) @IsOptional() @IsString() @MaxLength(40) tag?: string;
  @ApiPropertyOptional({ maxLength: 100, description: 'Part of the name' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;
  @QueryLimit(1000, 200) limit?: number;
  @QueryOffset() offset?: number;
}
