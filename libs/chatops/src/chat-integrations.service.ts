import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import { ForbiddenError, subject, type AppAbility, type Principal } from '@farmhand/authz';
import { APP_CONFIG, DomainException, randomSecret, type AppConfig } from '@farmhand/core';
import { DataSource, type EntityManager } from 'typeorm';
import { ChatSecretCipher } from './chat-secret.cipher';
import { ChatIntegrationsRepository, MAX_INTEGRATIONS_PER_ORG } from './chat-integrations.repository';
import { CHAT_SECRET_CIPHER } from './chatops.tokens';
import type { ChatPlatform } from './chatops.vocabulary';
import type { CreateChatIntegrationDto, UpdateChatIntegrationDto } from './dto/chat-integration.dto';
import type { ChatIntegration } from './entities/chat-integration.entity';
import { isDiscordPublicKey } from './verification/request-signatures';

export interface ChatIntegrationView {
  id: string;
  platform: ChatPlatform;
  name: string;
  allowedCommands: string[];
  rateLimitPerMinute: number;
  requestUrl: string;
  createdAt: string;
}

/** What each platform's secret looks like; refused early so a pasted wrong value fails here, not on every request. */
function checkSecret(platform: ChatPlatform, secret: string | undefined): void {
  const refuse = (message: string) => {
    throw DomainException.invalid('chat_secret_invalid', message, 'secret');
  };
  if (platform === 'telegram') {
    if (secret !== undefined && !/^[A-Za-z0-9_-]{16,256}$/.test(secret))
      refuse('A Telegram secret_token is 16 to 256 of A-Z, a-z, 0-9, _ and -');
    return;
  }
  if (secret === undefined) refuse(`A ${platform} integration needs its secret`);
  if (platform === 'slack' && !/^[A-Za-z0-9]{16,128}$/.test(secret!))
    refuse("Paste the Slack app's signing secret (letters and digits)");
  if (platform === 'discord' && !isDiscordPublicKey(secret!))
    refuse("Paste the Discord application's public key (64 hex digits)");
}

/** Organizations' chat integrations: owners and admins (`ChatIntegration`), each change audited. */
@Injectable()
export class ChatIntegrationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly integrations: ChatIntegrationsRepository,
    private readonly audit: AuditService,
    @Inject(CHAT_SECRET_CIPHER) private readonly cipher: ChatSecretCipher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(orgId: string): Promise<{ items: ChatIntegrationView[] }> {
    return { items: (await this.integrations.list(orgId)).map((row) => this.view(row)) };
  }

  async create(
    principal: Principal,
    orgId: string,
    body: CreateChatIntegrationDto,
  ): Promise<ChatIntegrationView & { generatedSecret: string | null }> {
    checkSecret(body.platform, body.secret);
    const generatedSecret = body.secret === undefined ? randomSecret(32) : null;
    const secret = body.secret ?? generatedSecret!;
    const row = await this.dataSource.transaction(async (manager) => {
      if ((await this.integrations.count(manager, orgId)) >= MAX_INTEGRATIONS_PER_ORG) {
        throw DomainException.conflict(
          'chat_integration_limit_reached',
          `An organization keeps at most ${MAX_INTEGRATIONS_PER_ORG} chat integrations`,
        );
      }
      const id = randomUUID();
      const created = await this.integrations.insert(manager, {
        id,
        orgId,
        platform: body.platform,
        name: body.name.trim(),
        allowedCommands: body.allowedCommands,
        rateLimitPerMinute: body.rateLimitPerMinute ?? 60,
        secretCiphertext: this.cipher.encrypt(secret, id),
        createdBy: principal.kind === 'user' ? principal.userId : null,
      });
      await this.record(manager, principal, orgId, 'chatIntegration.created', id, {
        platform: body.platform,
        allowedCommands: body.allowedCommands,
      });
      return created;
    });
    return { ...this.view(row), generatedSecret };
  }

  async update(
    principal: Principal,
    ability: AppAbility,
    orgId: string,
    id: string,
    body: UpdateChatIntegrationDto,
  ): Promise<ChatIntegrationView> {
    return this.dataSource.transaction(async (manager) => {
      const found = await this.reachable(manager, ability, 'update', orgId, id);
      const changes: Partial<ChatIntegration> = {};
      if (body.name !== undefined) changes.name = body.name.trim();
      if (body.allowedCommands !== undefined) changes.allowedCommands = body.allowedCommands;
      if (body.rateLimitPerMinute !== undefined) changes.rateLimitPerMinute = body.rateLimitPerMinute;
      await this.integrations.update(manager, id, changes);
      await this.record(manager, principal, orgId, 'chatIntegration.updated', id, { ...changes });
      return this.view({ ...found, ...changes });
    });
  }

  async delete(principal: Principal, ability: AppAbility, orgId: string, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const found = await this.reachable(manager, ability, 'delete', orgId, id);
      // Its linked chat accounts go with it (ON DELETE CASCADE).
      await this.integrations.delete(manager, id);
      await this.record(manager, principal, orgId, 'chatIntegration.deleted', id, { platform: found.platform });
    });
  }

  /** Where the platform sends its requests (Slack request URLs, Discord interactions endpoint, setWebhook url). */
  requestUrl(row: Pick<ChatIntegration, 'id' | 'platform'>): string {
    return `${this.config.PUBLIC_URL.replace(/\/+$/, '')}/api/chatops/inbound/${row.platform}/${row.id}`;
  }

  private view(row: ChatIntegration): ChatIntegrationView {
    return {
      id: row.id,
      platform: row.platform,
      name: row.name,
      allowedCommands: row.allowedCommands,
      rateLimitPerMinute: row.rateLimitPerMinute,
      requestUrl: this.requestUrl(row),
      createdAt: row.createdAt.toISOString(),
    };
  }

  private async reachable(
    manager: EntityManager,
    ability: AppAbility,
    action: 'update' | 'delete',
    orgId: string,
    id: string,
  ): Promise<ChatIntegration> {
    const found = await this.integrations.findInOrg(manager, orgId, id);
    if (!found) throw DomainException.notFound('chat_integration_not_found', 'Chat integration not found');
    ForbiddenError.from(ability).throwUnlessCan(action, subject('ChatIntegration', { ...found }));
    return found;
  }

  private record(
    manager: EntityManager,
    principal: Principal,
    orgId: string,
    action: string,
    id: string,
    details: Record<string, unknown>,
  ) {
    return this.audit.record(manager, { orgId, principal, action, subject: { type: 'ChatIntegration', id }, details });
  }
}
