import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
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
} from 'class-validator';

export const MAX_SPOOL_GRAMS = 100_000;
export const MAX_SLOT = 31;
const HEX = /^#[0-9a-fA-F]{6}$/;
/** Letters, digits, spaces and the few signs material names use (PLA+, PETG-CF, TPU 95A). */
const MATERIAL = /^[\p{L}\p{N}][\p{L}\p{N} +\-_/.]*$/u;

const nullable = (_: object, value: unknown) => value !== null;

export class CreateSpoolDto {
  @ApiProperty({ maxLength: 32, example: 'PLA' })
  @IsString()
  @MinLength(1)
  @MaxLength(32)
  @Matches(MATERIAL, { message: 'material must be letters, digits, spaces and + - _ / .' })
  material!: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 64 })
  @IsOptional()
  @ValidateIf(nullable)
  @IsString()
  @MaxLength(64)
  colorName?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '#ff8000' })
  @IsOptional()
  @ValidateIf(nullable)
  @Matches(HEX, { message: 'colorHex must be #rrggbb' })
  colorHex?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 80 })
  @IsOptional()
  @ValidateIf(nullable)
  @IsString()
  @MaxLength(80)
  vendor?: string | null;

  @ApiPropertyOptional({ minimum: 1, maximum: 3, default: 1.75 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1)
  @Max(3)
  diameterMm?: number;

  @ApiProperty({ minimum: 1, maximum: MAX_SPOOL_GRAMS, description: 'Filament weight of a full spool, grams' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1)
  @Max(MAX_SPOOL_GRAMS)
  initialGrams!: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_SPOOL_GRAMS, description: 'Defaults to initialGrams' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_SPOOL_GRAMS)
  remainingGrams?: number;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0, description: 'Price of the spool, in cents' })
  @IsOptional()
  @ValidateIf(nullable)
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  costCents?: number | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 80 })
  @IsOptional()
  @ValidateIf(nullable)
  @IsString()
  @MaxLength(80)
  location?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 80 })
  @IsOptional()
  @ValidateIf(nullable)
  @IsString()
  @MaxLength(80)
  lot?: string | null;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_SPOOL_GRAMS, default: 100 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_SPOOL_GRAMS)
  lowStockGrams?: number;
}

/** Left out means unchanged; null clears an optional field. */
export class UpdateSpoolDto {
  @ApiPropertyOptional({ maxLength: 32 })
  @ValidateIf((_, value) => value !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(32)
  @Matches(MATERIAL, { message: 'material must be letters, digits, spaces and + - _ / .' })
  material?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 64 })
  @IsOptional()
  @ValidateIf(nullable)
  @IsString()
  @MaxLength(64)
  colorName?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @ValidateIf(nullable)
  @Matches(HEX, { message: 'colorHex must be #rrggbb' })
  colorHex?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 80 })
  @IsOptional()
  @ValidateIf(nullable)
  @IsString()
  @MaxLength(80)
  vendor?: string | null;

  @ApiPropertyOptional({ minimum: 1, maximum: 3 })
  @ValidateIf((_, value) => value !== undefined)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1)
  @Max(3)
  diameterMm?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_SPOOL_GRAMS })
  @ValidateIf((_, value) => value !== undefined)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1)
  @Max(MAX_SPOOL_GRAMS)
  initialGrams?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_SPOOL_GRAMS, description: 'A weighed correction' })
  @ValidateIf((_, value) => value !== undefined)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_SPOOL_GRAMS)
  remainingGrams?: number;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0 })
  @IsOptional()
  @ValidateIf(nullable)
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  costCents?: number | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 80 })
  @IsOptional()
  @ValidateIf(nullable)
  @IsString()
  @MaxLength(80)
  location?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 80 })
  @IsOptional()
  @ValidateIf(nullable)
  @IsString()
  @MaxLength(80)
  lot?: string | null;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_SPOOL_GRAMS })
  @ValidateIf((_, value) => value !== undefined)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_SPOOL_GRAMS)
  lowStockGrams?: number;
}

export class LoadSpoolDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  printerId!: string;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_SLOT, default: 0, description: 'AMS/MMU slot; 0 without one' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_SLOT)
  slot?: number;
}

export class ListSpoolsDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  printerId?: string;

  @ApiPropertyOptional({ maxLength: 32 })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  material?: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  includeArchived?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class ListUsageDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
