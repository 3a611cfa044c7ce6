import { ApiPropertyOptional } from '@nestjs/swagger';
import { QueryLimit } from '@farmhand/core';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class ListAuditDto {
  @ApiPropertyOptional({ enum: ['user', 'apiKey', 'agent', 'system'] })
  @IsOptional()
  @IsIn(['user', 'apiKey', 'agent', 'system'])
  actorType?: string;

  @ApiPropertyOptional({ maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  actorId?: string;

  @ApiPropertyOptional({ maxLength: 64, example: 'printer.', description: 'An action, or the start of one' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  action?: string;

  @ApiPropertyOptional({ maxLength: 32, example: 'Printer' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  subjectType?: string;

  @ApiPropertyOptional({ maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  subjectId?: string;

  @ApiPropertyOptional({ enum: ['success', 'denied', 'failure'] })
  @IsOptional()
  @IsIn(['success', 'denied', 'failure'])
  result?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;

  @ApiPropertyOptional({ description: "Entries older than this entry id (the previous page's `nextBefore`)" })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'before must be an entry id' })
  before?: string;

  @QueryLimit(500, 50) limit?: number;
}
