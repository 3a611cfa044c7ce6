import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  Matches,
  Max,
  MaxLength,
} from 'class-validator';

/** Capabilities a printer starts with when it enrolls (the scheduler matches jobs on them). */
export class PrinterTemplateDto {
  @ApiPropertyOptional({ example: 'Prusa MK4' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  model?: string;

  @ApiPropertyOptional({ example: 0.4 })
  @IsOptional()
  @IsNumber()
  @IsPositive()
  @Max(5)
  nozzleDiameter?: number;

  @ApiPropertyOptional({ example: 250 })
  @IsOptional()
  @IsNumber()
  @IsPositive()
  @Max(10_000)
  buildX?: number;

  @ApiPropertyOptional({ example: 210 })
  @IsOptional()
  @IsNumber()
  @IsPositive()
  @Max(10_000)
  buildY?: number;

  @ApiPropertyOptional({ example: 220 })
  @IsOptional()
  @IsNumber()
  @IsPositive()
  @Max(10_000)
  buildZ?: number;

  @ApiPropertyOptional({ example: 'PLA' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  material?: string;

  @ApiPropertyOptional({ type: [String], example: ['enclosure'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(/^[\p{L}\p{N}_.:-]{1,50}$/u, { each: true, message: 'tags must be 1-50 letters, digits or _ . : -' })
  tags?: string[];
}
