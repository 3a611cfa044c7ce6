import { Module } from '@nestjs/common';
import { AccountsModule } from '@farmhand/accounts';
import { AgentsModule } from '@farmhand/agents';
import { APP_CONFIG, type AppConfig } from '@farmhand/core';
import { DetectionModule } from '@farmhand/detection';
import { PrintersModule } from '@farmhand/printers';
import { ChatCommandsService } from './chat-commands.service';
import { ChatInboundController } from './chat-inbound.controller';
import { ChatInboundService } from './chat-inbound.service';
import { ChatIntegrationsController } from './chat-integrations.controller';
import { ChatIntegrationsRepository } from './chat-integrations.repository';
import { ChatIntegrationsService } from './chat-integrations.service';
import { ChatLinksController } from './chat-links.controller';
import { ChatLinksRepository } from './chat-links.repository';
import { ChatLinksService } from './chat-links.service';
import { ChatSecretCipher } from './chat-secret.cipher';
import { CHAT_SECRET_CIPHER } from './chatops.tokens';

/**
 * Chat-ops, the inbound side: organizations' chat integrations, members' linked chat identities, and the routes
 * Slack, Discord and Telegram call. API role only. Needs the global AuditModule (every change is audited).
 */
@Module({
  imports: [AccountsModule, PrintersModule, AgentsModule, DetectionModule],
  controllers: [ChatIntegrationsController, ChatLinksController, ChatInboundController],
  providers: [
    ChatIntegrationsRepository,
    ChatLinksRepository,
    ChatIntegrationsService,
    ChatLinksService,
    ChatCommandsService,
    ChatInboundService,
    {
      provide: CHAT_SECRET_CIPHER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new ChatSecretCipher(config.SECRET_KEY),
    },
  ],
})
export class ChatopsModule {}
