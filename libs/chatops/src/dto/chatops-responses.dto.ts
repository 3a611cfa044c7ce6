import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiDateTime, ApiUuid } from '@farmhand/core';
import { CHAT_COMMANDS, CHAT_PLATFORMS } from '../chatops.vocabulary';

/** A chat integration; its secret is never returned (Telegram's generated one only in the answer of create). */
export class ChatIntegrationDto {
  @ApiUuid() id!: string;
  @ApiProperty({ enum: CHAT_PLATFORMS, enumName: 'ChatPlatform' }) platform!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: CHAT_COMMANDS, enumName: 'ChatCommand', isArray: true }) allowedCommands!: string[];
  @ApiProperty() rateLimitPerMinute!: number;
  @ApiProperty({ description: 'The request URL to paste into Slack, Discord or setWebhook' }) requestUrl!: string;
  @ApiDateTime() createdAt!: string;
}

export class CreatedChatIntegrationDto extends ChatIntegrationDto {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Telegram: the generated secret_token for setWebhook, shown once; null when you gave one',
  })
  generatedSecret!: string | null;
}

export class ChatIntegrationListDto {
  @ApiProperty({ type: [ChatIntegrationDto] }) items!: ChatIntegrationDto[];
}

export class ChatLinkCodeDto {
  @ApiProperty({ description: 'Type `link <code>` in chat; single use' }) code!: string;
  @ApiDateTime() expiresAt!: string;
}

export class LinkedChatAccountDto {
  @ApiUuid() id!: string;
  @ApiUuid() integrationId!: string;
  @ApiProperty() integrationName!: string;
  @ApiProperty({ enum: CHAT_PLATFORMS, enumName: 'ChatPlatform' }) platform!: string;
  @ApiProperty() platformUserName!: string;
  @ApiDateTime() createdAt!: string;
}

export class LinkedChatAccountListDto {
  @ApiProperty({ type: [LinkedChatAccountDto] }) items!: LinkedChatAccountDto[];
}

const OBJECT = { type: 'object', additionalProperties: true } as const;

/** Slack's message answer, shown only to the person who asked (empty for a request Farmhand ignores). */
export class SlackAnswerDto {
  @ApiPropertyOptional({ enum: ['ephemeral'] }) response_type?: 'ephemeral';
  @ApiPropertyOptional() replace_original?: boolean;
  @ApiPropertyOptional() text?: string;
  @ApiPropertyOptional({ type: 'array', items: OBJECT, description: 'Block Kit: the text and its buttons' })
  blocks?: object[];
}

/**
 * Discord's interaction response: 1 answers a PING, 5 defers the answer to a command or click (an ephemeral
 * "thinking…", flags 64), edited with the outcome through the interaction's webhook once the printer confirmed.
 */
export class DiscordAnswerDto {
  @ApiPropertyOptional({ enum: [1, 5] }) type?: number;
  @ApiPropertyOptional({ ...OBJECT, description: '{ flags: 64 }' }) data?: object;
}

/** A Telegram Bot API call made in the webhook's answer (empty for an update Farmhand ignores). */
export class TelegramAnswerDto {
  @ApiPropertyOptional({ enum: ['sendMessage', 'answerCallbackQuery'] }) method?: string;
  @ApiPropertyOptional({ oneOf: [{ type: 'integer' }, { type: 'string' }] }) chat_id?: number | string;
  @ApiPropertyOptional() text?: string;
  @ApiPropertyOptional() reply_to_message_id?: number;
  @ApiPropertyOptional({ ...OBJECT, description: 'An inline keyboard with the buttons' }) reply_markup?: object;
  @ApiPropertyOptional() callback_query_id?: string;
  @ApiPropertyOptional() show_alert?: boolean;
}
