import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import { ForbiddenError, actorOf, subject, type Action, type AppAbility, type Principal } from '@farmhand/authz';
import { APP_CONFIG, DomainException, type AppConfig } from '@farmhand/core';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { CreateWebhookDto, UpdateWebhookDto } from './dto/webhook.dto';
import type { WebhookDelivery } from './entities/webhook-delivery.entity';
import type { Webhook } from './entities/webhook.entity';
import { WEBHOOK_SECRET_CIPHER } from './notifications.tokens';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookPublisher } from './webhook-publisher.service';
import { newWebhookSecret, type WebhookSecretCipher } from './webhook-secret.cipher';
import { validateWebhookUrl } from './webhook-url';
import { WebhooksRepository, type WebhookChanges } from './webhooks.repository';

/** Contract C. Never carries the secret: that is only in the answers of create and rotate. */
export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  description: string | null;
  createdAt: string;
  lastDeliveryAt: string | null;
  lastStatus: 'delivered' | 'failed' | null;
}

export interface DeliveryView {
  id: string;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  responseStatus: number | null;
  error: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export function toWebhookView(webhook: Webhook): WebhookView {
  return {
    id: webhook.id,
    url: webhook.url,
    events: webhook.events,
    enabled: webhook.enabled,
    description: webhook.description,
    createdAt: webhook.createdAt.toISOString(),
    lastDeliveryAt: webhook.lastDeliveryAt?.toISOString() ?? null,
    lastStatus: webhook.lastStatus,
  };
}

export function toDeliveryView(delivery: WebhookDelivery): DeliveryView {
  return {
    id: delivery.id,
    event: delivery.event,
    status: delivery.status,
    attempts: delivery.attempts,
    responseStatus: delivery.responseStatus,
    error: delivery.error,
    createdAt: delivery.createdAt.toISOString(),
    deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
  };
}

/** Audit entries name the receiver by origin only: a path or query often carries the receiver's own token. */
function originOf(url: string): string {
  return new URL(url).origin;
}

const notFound = () => DomainException.notFound('webhook_not_found', 'Webhook not found');

@Injectable()
export class WebhooksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly webhooks: WebhooksRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly publisher: WebhookPublisher,
    private readonly audit: AuditService,
    @Inject(WEBHOOK_SECRET_CIPHER) private readonly cipher: WebhookSecretCipher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(orgId: string): Promise<{ items: WebhookView[] }> {
    return { items: (await this.webhooks.list(orgId)).map(toWebhookView) };
  }

  /** The secret is in this answer and in no other (except a rotation's). */
  async create(
    principal: Principal,
    orgId: string,
    input: CreateWebhookDto,
  ): Promise<WebhookView & { secret: string }> {
    const url = this.checkUrl(input.url);
    const id = randomUUID();
    const secret = newWebhookSecret();
    const webhook = await this.dataSource.transaction(async (manager) => {
      await this.webhooks.lockOrganization(manager, orgId);
      const limit = this.config.WEBHOOK_MAX_PER_ORG;
      if ((await this.webhooks.count(manager, orgId)) >= limit)
        throw new DomainException(
          'conflict',
          'webhook_limit_reached',
          `An organization may register at most ${limit} webhooks`,
          undefined,
          { limit },
        );
      const created = await this.webhooks.insert(manager, {
        id,
        orgId,
        url,
        events: [...new Set(input.events)],
        description: input.description?.trim() || null,
        secretCiphertext: this.cipher.encrypt(secret, id),
        createdBy: actorOf(principal).id,
      });
      await this.record(manager, principal, orgId, 'webhook.created', id, {
        receiver: originOf(url),
        events: created.events,
      });
      return created;
    });
    return { ...toWebhookView(webhook), secret };
  }

  async update(
    principal: Principal,
    ability: AppAbility,
    orgId: string,
    id: string,
    input: UpdateWebhookDto,
  ): Promise<WebhookView> {
    const changes: WebhookChanges = {};
    if (input.url !== undefined) changes.url = this.checkUrl(input.url);
    if (input.events !== undefined) changes.events = [...new Set(input.events)];
    if (input.enabled !== undefined) changes.enabled = input.enabled;
    if (input.description !== undefined) changes.description = input.description?.trim() || null;
    return this.dataSource.transaction(async (manager) => {
      const webhook = await this.lockOrThrow(manager, ability, 'update', orgId, id);
      if (Object.keys(changes).length) {
        await this.webhooks.update(manager, id, changes);
        await this.record(manager, principal, orgId, 'webhook.updated', id, {
          changed: Object.keys(changes),
          receiver: originOf(changes.url ?? webhook.url),
          ...(changes.enabled !== undefined ? { enabled: changes.enabled } : {}),
          ...(changes.events ? { events: changes.events } : {}),
        });
      }
      return toWebhookView((await this.webhooks.find(orgId, id, manager))!);
    });
  }

  async delete(principal: Principal, ability: AppAbility, orgId: string, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const webhook = await this.lockOrThrow(manager, ability, 'delete', orgId, id);
      await this.webhooks.delete(manager, orgId, id);
      await this.record(manager, principal, orgId, 'webhook.deleted', id, { receiver: originOf(webhook.url) });
    });
  }

  /** The old secret stops signing at once; deliveries still queued are signed with the new one. */
  async rotateSecret(
    principal: Principal,
    ability: AppAbility,
    orgId: string,
    id: string,
  ): Promise<{ secret: string }> {
    const secret = newWebhookSecret();
    await this.dataSource.transaction(async (manager) => {
      await this.lockOrThrow(manager, ability, 'rotate', orgId, id);
      await this.webhooks.setSecret(manager, id, this.cipher.encrypt(secret, id));
      await this.record(manager, principal, orgId, 'webhook.secretRotated', id, {});
    });
    return { secret };
  }

  /** Queues a `webhook.test` delivery to this webhook alone (enabled or not), and answers with it. */
  async test(principal: Principal, ability: AppAbility, orgId: string, id: string): Promise<DeliveryView> {
    const delivery = await this.dataSource.transaction(async (manager) => {
      await this.lockOrThrow(manager, ability, 'update', orgId, id);
      const created = await this.deliveries.createForWebhook(manager, orgId, id, 'webhook.test', {
        webhookId: id,
        message: 'A test delivery from Farmhand: the signature verifies with this webhook’s secret.',
      });
      await this.record(manager, principal, orgId, 'webhook.tested', id, { deliveryId: created.id });
      return created;
    });
    await this.publisher.enqueue(orgId, [delivery.id]);
    return toDeliveryView(delivery);
  }

  async listDeliveries(orgId: string, id: string, limit = 50): Promise<{ items: DeliveryView[] }> {
    if (!(await this.webhooks.find(orgId, id))) throw notFound();
    return { items: (await this.deliveries.list(orgId, id, limit)).map(toDeliveryView) };
  }

  private checkUrl(raw: string): string {
    return validateWebhookUrl(raw.trim(), {
      allowHttp: this.config.WEBHOOK_ALLOW_HTTP,
      allowPrivate: this.config.WEBHOOK_ALLOW_PRIVATE,
    });
  }

  private async lockOrThrow(
    manager: EntityManager,
    ability: AppAbility,
    action: Action,
    orgId: string,
    id: string,
  ): Promise<Webhook> {
    const webhook = await this.webhooks.lock(manager, orgId, id);
    if (!webhook) throw notFound();
    ForbiddenError.from(ability).throwUnlessCan(action, subject('Webhook', { ...webhook }));
    return webhook;
  }

  private record(
    manager: EntityManager,
    principal: Principal,
    orgId: string,
    action: string,
    id: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.record(manager, { orgId, principal, action, subject: { type: 'Webhook', id }, details });
  }
}
