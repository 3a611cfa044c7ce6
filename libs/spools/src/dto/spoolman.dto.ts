import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ApiDateTime } from '@farmhand/core';

export class ConfigureSpoolmanDto {
  @ApiProperty({ maxLength: 2048, example: 'http://spoolman.lan:7912' })
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  url!: string;

  @ApiPropertyOptional({
    maxLength: 512,
    description: 'Sent as X-Api-Key (for a reverse proxy in front of Spoolman); stored encrypted, never returned',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  apiKey?: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'Basic auth user name (with password)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(/^[^:\p{Cc}]+$/u, { message: 'username must not contain a colon or control characters' })
  username?: string;

  @ApiPropertyOptional({ maxLength: 512, description: 'Basic auth password; stored encrypted, never returned' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  password?: string;

  @ApiPropertyOptional({
    default: false,
    description:
      'Allow a loopback or private (LAN) address for this organization: the usual place for Spoolman, at the cost ' +
      'described in docs/security.md',
  })
  @IsOptional()
  @IsBoolean()
  allowPrivateNetwork?: boolean;
}

class SpoolmanUsageCountsDto {
  @ApiProperty() pending!: number;
  @ApiProperty() failed!: number;
  @ApiProperty() sent!: number;
}

class SpoolmanFailureDto {
  @ApiProperty({ format: 'uuid' }) usageId!: string;
  @ApiProperty({ format: 'uuid' }) spoolId!: string;
  @ApiProperty() grams!: number;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiDateTime() recordedAt!: string;
}

export class SpoolmanStatusDto {
  @ApiProperty({ description: 'Spools are read from and usage written to Spoolman' }) configured!: boolean;
  @ApiProperty({ type: String, nullable: true }) url!: string | null;
  @ApiProperty({ type: String, nullable: true, enum: ['none', 'apiKey', 'basic'] }) authKind!: string | null;
  @ApiProperty({ type: String, nullable: true }) username!: string | null;
  @ApiProperty({ description: 'A credential is stored (it is never returned)' }) hasSecret!: boolean;
  @ApiProperty() allowPrivateNetwork!: boolean;
  @ApiDateTime({ nullable: true }) lastSyncAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The last failure talking to Spoolman' })
  lastError!: string | null;
  @ApiDateTime({ nullable: true }) lastErrorAt!: string | null;
  @ApiProperty({ type: SpoolmanUsageCountsDto, description: 'Print usage written to Spoolman, by state' })
  usage!: SpoolmanUsageCountsDto;
  @ApiProperty({ type: [SpoolmanFailureDto], description: 'The latest usage Spoolman did not take (given up)' })
  failures!: SpoolmanFailureDto[];
}
