import { ApiPropertyOptional } from '@nestjs/swagger';
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

export class RegionOfInterestDto {
  @IsNumber() @Min(0) @Max(1) x!: number;
  @IsNumber() @Min(0) @Max(1) y!: number;
  @IsNumber() @Min(0.05) @Max(1) width!: number;
  @IsNumber() @Min(0.05) @Max(1) height!: number;
}

export class DetectionSettingsDto {
  @IsOptional()
  @IsNumber()
  @Min(0.8, { message: 'sensitivity must be between 0.8 and 1.2' })
  @Max(1.2, { message: 'sensitivity must be between 0.8 and 1.2' })
  sensitivity?: number;

  @IsOptional()
  @IsBoolean()
  autoPause?: boolean;

  @IsOptional()
  @IsInt()
  @Min(2)
  @Max(600)
  frameIntervalSeconds?: number;

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

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID('all', { message: 'fleetId must be a fleet id' })
  fleetId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  model?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsNumber()
  @IsPositive()
  @Max(5000)
  buildX?: number | null;

  @ApiPropertyOptional()
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsNumber()
  @IsPositive()
  @Max(5000)
  buildY?: number | null;

  @ApiPropertyOptional()
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsNumber()
  @IsPositive()
  @Max(5000)
  buildZ?: number | null;

  @ApiPropertyOptional()
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsNumber()
  @Min(0.1)
  @Max(3)
  nozzleDiameter?: number | null;

  @ApiPropertyOptional()
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

  @ApiPropertyOptional()
  @IsOptional()
  @ValidateNested()
  @Type(() => DetectionSettingsDto)
  detection?: DetectionSettingsDto;
}

export class ListPrintersDto {
  @IsOptional() @IsUUID() fleetId?: string;
  @IsOptional() @IsIn(['offline', 'operational', 'printing', 'paused', 'error', 'unknown']) state?: string;
  @IsOptional() @IsString() @MaxLength(40) tag?: string;
  @IsOptional() @IsString() @MaxLength(100) search?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset?: number;
}
