import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { ENROLLMENT_TOKEN_LIMITS } from '../../enrollment.constants';

/** Query of `POST /orgs/:orgId/enrollment/imports`; the body is the CSV file itself (Content-Type: text/csv). */
export class ImportEnrollmentCsvDto {
  @ApiProperty({ enum: ['dry-run', 'commit'] })
  @IsIn(['dry-run', 'commit'], { message: 'mode must be dry-run or commit' })
  mode!: 'dry-run' | 'commit';

  @ApiPropertyOptional({
    enum: ['csv', 'json', 'html'],
    description: "A commit's answer: credentials CSV, JSON or QR page",
  })
  @IsOptional()
  @IsIn(['csv', 'json', 'html'], { message: 'format must be csv, json or html' })
  format?: 'csv' | 'json' | 'html';

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Chosen by the client to follow progress at GET …/imports/:importId',
  })
  @IsOptional()
  @IsUUID('all', { message: 'importId must be a UUID' })
  importId?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: ENROLLMENT_TOKEN_LIMITS.maxLifetimeHours,
    default: ENROLLMENT_TOKEN_LIMITS.importDefaultLifetimeHours,
    description: 'How long the tokens of a commit stay valid',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(ENROLLMENT_TOKEN_LIMITS.maxLifetimeHours)
  expiresInHours?: number;
}
