import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNumber, IsString, IsUUID, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import {
  QUOTA_METRICS,
  QUOTA_PERIODS,
  QUOTA_SCOPES,
  type QuotaMetric,
  type QuotaPeriod,
  type QuotaScope,
} from './quota.entity';

/** A tag as jobs carry them (libs/jobs' CreateJobDto): letters, digits, `_ . : -`. */
export const QUOTA_TAG = /^[\p{L}\p{N}_.:-]{1,40}$/u;
const MAX_LIMIT = 1_000_000;

export class CreateQuotaDto {
  @ApiProperty({ enum: QUOTA_SCOPES })
  @IsIn(QUOTA_SCOPES)
  scope!: QuotaScope;

  @ApiProperty({ description: "The member's user id (scope member) or the tag (scope tag)" })
  @IsString()
  @MaxLength(64)
  @ValidateIf((dto: CreateQuotaDto) => dto.scope === 'member')
  @IsUUID('all', { message: 'target must be a member user id' })
  target!: string;

  @ApiProperty({ enum: QUOTA_METRICS })
  @IsIn(QUOTA_METRICS)
  metric!: QuotaMetric;

  @ApiProperty({ minimum: 0, maximum: MAX_LIMIT, description: 'Hours or grams per period' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_LIMIT)
  limit!: number;

  @ApiPropertyOptional({ enum: QUOTA_PERIODS, default: 'month' })
  @ValidateIf((_, value) => value !== undefined)
  @IsIn(QUOTA_PERIODS)
  period?: QuotaPeriod;
}

export class UpdateQuotaDto {
  @ApiProperty({ minimum: 0, maximum: MAX_LIMIT })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_LIMIT)
  limit!: number;
}

export class QuotaDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: QUOTA_SCOPES }) scope!: QuotaScope;
  @ApiProperty() target!: string;
  @ApiProperty({ enum: QUOTA_METRICS }) metric!: QuotaMetric;
  @ApiProperty() limit!: number;
  @ApiProperty({ enum: QUOTA_PERIODS }) period!: QuotaPeriod;
  @ApiProperty({ description: 'Used this period (UTC calendar month): ended prints plus queued copies' }) used!: number;
  @ApiProperty() periodStart!: string;
}
