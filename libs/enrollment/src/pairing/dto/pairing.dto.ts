import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, IsUUID, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { AgentInfoDto } from '../../dto/agent-info.dto';
import { PrinterTemplateDto } from '../../dto/printer-template.dto';

export class StartPairingDto {
  @ApiProperty({ type: AgentInfoDto })
  @IsObject({ message: 'agent must be an object with version and hostname' })
  @ValidateNested()
  @Type(() => AgentInfoDto)
  agent!: AgentInfoDto;
}

export class PollPairingDto {
  @ApiProperty()
  @IsString()
  @MaxLength(512)
  deviceCode!: string;
}

/** The user code as the admin typed it: normalised by the server (case, dashes, O/0, I/L/1). */
export class DenyPairingDto {
  @ApiProperty({ example: 'WDJBM-JHT4K' })
  @IsString()
  @MaxLength(64)
  userCode!: string;
}

export class ClaimPairingDto extends PrinterTemplateDto {
  @ApiProperty({ example: 'WDJBM-JHT4K' })
  @IsString()
  @MaxLength(64)
  userCode!: string;

  @ApiProperty({ example: 'Prusa-07' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'fleetId must be a fleet id' })
  fleetId!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  serial?: string;
}
