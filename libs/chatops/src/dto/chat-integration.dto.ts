import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { CHAT_COMMANDS, CHAT_PLATFORMS, type ChatCommand, type ChatPlatform } from '../chatops.vocabulary';

const COMMANDS_MESSAGE = `allowedCommands must be some of ${CHAT_COMMANDS.join(', ')}`;

export class CreateChatIntegrationDto {
  @ApiProperty({ enum: CHAT_PLATFORMS, enumName: 'ChatPlatform' })
  @IsIn(CHAT_PLATFORMS)
  platform!: ChatPlatform;

  @ApiProperty({ maxLength: 100, description: 'What the dashboard calls it (the Slack workspace, the channel)' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @ApiPropertyOptional({
    maxLength: 256,
    description:
      "Slack: the app's signing secret. Discord: the application's public key (64 hex digits). Telegram: the " +
      'secret_token given to setWebhook; left out, Farmhand makes one and shows it once.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  secret?: string;

  @ApiProperty({ enum: CHAT_COMMANDS, enumName: 'ChatCommand', isArray: true })
  @IsArray()
  @ArrayMaxSize(CHAT_COMMANDS.length)
  @ArrayUnique({ message: 'allowedCommands must not repeat a command' })
  @IsIn(CHAT_COMMANDS, { each: true, message: COMMANDS_MESSAGE })
  allowedCommands!: ChatCommand[];

  @ApiPropertyOptional({ minimum: 1, maximum: 600, description: 'Requests per minute, all users (60 when left out)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(600)
  rateLimitPerMinute?: number;
}

export class UpdateChatIntegrationDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @ValidateIf((_, value) => value !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/\S/, { message: 'name must not be blank' })
  name?: string;

  @ApiPropertyOptional({ enum: CHAT_COMMANDS, enumName: 'ChatCommand', isArray: true })
  @ValidateIf((_, value) => value !== undefined)
  @IsArray()
  @ArrayMaxSize(CHAT_COMMANDS.length)
  @ArrayUnique({ message: 'allowedCommands must not repeat a command' })
  @IsIn(CHAT_COMMANDS, { each: true, message: COMMANDS_MESSAGE })
  allowedCommands?: ChatCommand[];

  @ApiPropertyOptional({ minimum: 1, maximum: 600 })
  @ValidateIf((_, value) => value !== undefined)
  @IsInt()
  @Min(1)
  @Max(600)
  rateLimitPerMinute?: number;
}
