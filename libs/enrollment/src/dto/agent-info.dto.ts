import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

/** What the agent says about itself (`agentInfoSchema` in @farmhand/protocol). */
export class AgentInfoDto {
  @ApiProperty({ example: '0.1.0' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  version!: string;

  @ApiProperty({ example: 'octopi' })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  hostname!: string;
}
