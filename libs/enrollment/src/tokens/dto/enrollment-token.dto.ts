import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { QueryLimit, QueryOffset } from '@farmhand/core';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsObject,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { AgentInfoDto } from '../../dto/agent-info.dto';
import { PrinterTemplateDto } from '../../dto/printer-template.dto';
import { ENROLLMENT_TOKEN_LIMITS } from '../../enrollment.constants';

export class CreateEnrollmentTokenDto extends PrinterTemplateDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'fleetId must be a fleet id' })
  fleetId!: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: ENROLLMENT_TOKEN_LIMITS.maxUses,
    description: 'How many printers may enroll with it (default 1).',
    default: 1,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(ENROLLMENT_TOKEN_LIMITS.maxUses)
  uses?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: ENROLLMENT_TOKEN_LIMITS.maxLifetimeHours,
    default: ENROLLMENT_TOKEN_LIMITS.defaultLifetimeHours,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(ENROLLMENT_TOKEN_LIMITS.maxLifetimeHours)
  expiresInHours?: number;

  @ApiPropertyOptional({ description: "Name of the printer it creates (made unique); default: the agent's host name." })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(90)
  printerName?: string;
}

export class ListEnrollmentTokensDto {
  @ApiPropertyOptional({ enum: ['admin', 'import'] }) @IsOptional() @IsIn(['admin', 'import']) source?:
    'admin' | 'import';
  @ApiPropertyOptional({ enum: ['usable', 'all'], default: 'all' })
  @IsOptional()
  @IsIn(['usable', 'all'])
  status?: 'usable' | 'all';
  @QueryLimit(1000, 200) limit?: number;
  @QueryOffset() offset?: number;
}

export class RedeemEnrollmentTokenDto {
  @ApiProperty()
  @IsString()
  @MaxLength(512)
  token!: string;

  @ApiProperty({ type: AgentInfoDto })
  @IsObject({ message: 'agent must be an object with version and hostname' })
  @ValidateNested()
  @Type(() => AgentInfoDto)
  agent!: AgentInfoDto;
}
