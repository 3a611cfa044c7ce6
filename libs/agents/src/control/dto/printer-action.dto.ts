import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  MAX_BED_TEMPERATURE,
  MAX_GCODE_LINE_LENGTH,
  MAX_JOG_DISTANCE_MM,
  MAX_TOOL_TEMPERATURE,
} from '@farmhand/protocol';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

/** Fewer lines per request than the protocol allows (100): a console, not a file upload. */
export const MAX_HTTP_GCODE_LINES = 50;

const finite = { allowNaN: false, allowInfinity: false };

export class HomeActionDto {
  @ApiPropertyOptional({ type: [String], enum: ['x', 'y', 'z'], default: ['x', 'y', 'z'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @IsIn(['x', 'y', 'z'], { each: true, message: 'axes may contain x, y and z' })
  axes?: Array<'x' | 'y' | 'z'>;
}

/** Relative moves in mm unless `absolute`; at least one axis. */
export class JogActionDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber(finite)
  @Min(-MAX_JOG_DISTANCE_MM)
  @Max(MAX_JOG_DISTANCE_MM)
  x?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber(finite)
  @Min(-MAX_JOG_DISTANCE_MM)
  @Max(MAX_JOG_DISTANCE_MM)
  y?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber(finite)
  @Min(-MAX_JOG_DISTANCE_MM)
  @Max(MAX_JOG_DISTANCE_MM)
  z?: number;

  @ApiPropertyOptional({ description: 'mm/min' })
  @IsOptional()
  @IsInt()
  @IsPositive()
  @Max(30_000)
  speed?: number;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  absolute?: boolean;
}

/** Targets in °C (0 switches a heater off); at least one. The agent may refuse targets above its own limits. */
export class TemperatureActionDto {
  @ApiPropertyOptional({ description: 'hotend (tool0) target' })
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  @Max(MAX_TOOL_TEMPERATURE)
  tool?: number;

  @ApiPropertyOptional({ description: 'bed target' })
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  @Max(MAX_BED_TEMPERATURE)
  bed?: number;
}

export class GcodeActionDto {
  @ApiProperty({ type: [String], maxItems: MAX_HTTP_GCODE_LINES })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_HTTP_GCODE_LINES)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(MAX_GCODE_LINE_LENGTH, { each: true })
  @Matches(/^[^\r\n\0]+$/, { each: true, message: 'lines must hold one G-code command each, without line breaks' })
  lines!: string[];
}

export class ConnectActionDto {
  @ApiPropertyOptional({ description: 'serial port; OctoPrint picks one when omitted' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  port?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @IsPositive()
  @Max(10_000_000)
  baudrate?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  printerProfile?: string;
}
