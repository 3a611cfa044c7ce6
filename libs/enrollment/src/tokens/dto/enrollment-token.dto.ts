import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
  @ApiProperty()
  @IsUUID('all', { message: 'fleetId must be a fleet id' })
  fleetId!: string;

  @ApiPropertyOptional({ description: 'How many printers may enroll with it (default 1).', default: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(ENROLLMENT_TOKEN_LIMITS.maxUses)
  uses?: number;

  @ApiPropertyOptional({ default: ENROLLMENT_TOKEN_LIMITS.defaultLifetimeHours })
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
  @IsOptional() @IsIn(['admin', 'import']) source?: 'admin' | 'import';
  @IsOptional() @IsIn(['usable', 'all']) status?: 'usable' | 'all';
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset?: number;
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
