import { Controller, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@farmhand/authz';
import { AcceptsRawBody, ApiErrors, type DeclaredErrors } from '@farmhand/core';
import type { Request } from 'express';
import { ChatInboundService } from './chat-inbound.service';
import { DiscordAnswerDto, SlackAnswerDto, TelegramAnswerDto } from './dto/chatops-responses.dto';

const IntegrationId = () => Param('integrationId', ParseUUIDPipe);
const INBOUND_ERRORS: DeclaredErrors = {
  400: ['chat_request_unreadable'],
  401: ['chat_signature_invalid', 'chat_request_stale'],
  404: ['chat_integration_not_found'],
  409: ['chat_request_replayed'],
  429: ['chat_rate_limited'],
};

/**
 * Where Slack, Discord and Telegram send commands and clicks. Machine to machine: no session and no CSRF check
 * apply (nothing here reads a cookie); each request is authenticated by the platform's signature over the raw body
 * (kept as bytes by `chatInboundBodyParser`, mounted before the JSON parser) with the integration's secret, and the
 * chat user acts only through their linked membership.
 */
@ApiTags('chat-ops')
@Controller('chatops/inbound')
export class ChatInboundController {
  constructor(private readonly inbound: ChatInboundService) {}

  @Post('slack/:integrationId')
  @Public()
  @AcceptsRawBody()
  @HttpCode(200)
  @ApiOkResponse({ type: SlackAnswerDto, description: 'A Slack message (ephemeral), signed request required' })
  @ApiErrors(INBOUND_ERRORS)
  slack(@IntegrationId() integrationId: string, @Req() request: Request) {
    return this.inbound.handle('slack', integrationId, request.headers, request.body);
  }

  @Post('discord/:integrationId')
  @Public()
  @AcceptsRawBody()
  @HttpCode(200)
  @ApiOkResponse({ type: DiscordAnswerDto, description: 'A Discord interaction response, signed request required' })
  @ApiErrors(INBOUND_ERRORS)
  discord(@IntegrationId() integrationId: string, @Req() request: Request) {
    return this.inbound.handle('discord', integrationId, request.headers, request.body);
  }

  @Post('telegram/:integrationId')
  @Public()
  @AcceptsRawBody()
  @HttpCode(200)
  @ApiOkResponse({ type: TelegramAnswerDto, description: 'A Bot API call (sendMessage, answerCallbackQuery)' })
  @ApiErrors(INBOUND_ERRORS)
  telegram(@IntegrationId() integrationId: string, @Req() request: Request) {
    return this.inbound.handle('telegram', integrationId, request.headers, request.body);
  }
}
