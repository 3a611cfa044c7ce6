import { Inject, Injectable } from '@nestjs/common';
import { FleetDirectory } from '@farmhand/accounts';
import { AuditService } from '@farmhand/audit';
import { ForbiddenError, actorOf, subject, type AppAbility, type Principal } from '@farmhand/authz';
import { APP_CONFIG, DomainException, type AppConfig } from '@farmhand/core';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { NotificationChannel } from '../entities/notification-channel.entity';
import { CHANNEL_SECRET_CIPHER } from '../notifications.tokens';
import { WebhookDeliveriesRepository } from '../webhook-deliveries.repository';
import { WebhookPublisher } from '../webhook-publisher.service';
import type { WebhookSecretCipher } from '../webhook-secret.cipher';
import { toDeliveryView, type DeliveryView } from '../webhooks.service';
import type { SubscribableWebhookEvent } from '../webhook-events';
import {
  checkChannelTarget,
  describeTarget,
  type ChannelKind,
  type ChannelSecrets,
  type ChannelTargetInput,
} from './channel-kinds';
import { NotificationChannelsRepository, type ChannelChanges } from './notification-channels.repository';

/** Never carries a credential: the view names the destination (describeTarget) and nothing that grants posting. */
export interface ChannelView {
  id: string;
  kind: ChannelKind;
  name: string;
  target: string;
  events: string[];
  fleetIds: string[] | null;
  enabled: boolean;
  hasCredentials: boolean;
  createdAt: string;
  lastDeliveryAt: string | null;
  lastStatus: 'delivered' | 'failed' | null;
}

export interface ChannelInput extends ChannelTargetInput {
  kind: ChannelKind;
  name: string;
  events: SubscribableWebhookEvent[];
  fleetIds?: string[] | null;
}

export interface ChannelUpdate extends ChannelTargetInput {
  name?: string;
  events?: SubscribableWebhookEvent[];
  fleetIds?: string[] | null;
  enabled?: boolean;
}

const TARGET_FIELDS: (keyof ChannelTargetInput)[] = [
  'webhookUrl',
  'botToken',
  'slackChannelId',
  'telegramChatId',
  'ntfyServerUrl',
  'ntfyTopic',
  'ntfyToken',
  'emailTo',
];

export function toChannelView(channel: NotificationChannel): ChannelView {
  return {
    id: channel.id,
    kind: channel.kind,
    name: channel.name,
    target: describeTarget(channel.kind, channel.settings),
    events: channel.events,
    fleetIds: channel.fleetIds,
    enabled: channel.enabled,
    hasCredentials: channel.kind !== 'email',
    createdAt: channel.createdAt.toISOString(),
    lastDeliveryAt: channel.lastDeliveryAt?.toISOString() ?? null,
    lastStatus: channel.lastStatus,
  };
}

const notFound = () => DomainException.notFound('channel_not_found', 'Notification channel not found');

/** An organization's notification channels, owners and admins only (the `NotificationChannel` subject). */
@Injectable()
export class ChannelsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly channels: NotificationChannelsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly publisher: WebhookPublisher,
    private readonly fleets: FleetDirectory,
    private readonly audit: AuditService,
    @Inject(CHANNEL_SECRET_CIPHER) private readonly cipher: WebhookSecretCipher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(orgId: string): Promise<{ items: ChannelView[] }> {
    return { items: (await this.channels.list(orgId)).map(toChannelView) };
  }

  async create(principal: Principal, orgId: string, input: ChannelInput): Promise<ChannelView> {
    const { settings, secrets } = checkChannelTarget(input.kind, pickTarget(input), this.urlPolicy());
    const fleetIds = await this.checkFleets(orgId, input.fleetIds);
    const id = randomUUID();
    const channel = await this.dataSource.transaction(async (manager) => {
      await this.channels.lockOrganization(manager, orgId);
      const limit = this.config.NOTIFICATION_CHANNELS_MAX_PER_ORG;
      if ((await this.channels.count(manager, orgId)) >= limit)
        throw new DomainException(
          'conflict',
          'channel_limit_reached',
          `An organization may configure at most ${limit} notification channels`,
          undefined,
          { limit },
        );
      const created = await this.channels.insert(manager, {
        id,
        orgId,
        kind: input.kind,
        name: input.name.trim(),
        events: [...new Set(input.events)],
        fleetIds,
        settings,
        secretCiphertext: this.seal(secrets, id),
        createdBy: actorOf(principal).id,
      });
      await this.record(manager, principal, orgId, 'notificationChannel.created', id, {
        kind: created.kind,
        target: describeTarget(created.kind, created.settings),
        events: created.events,
        fleetIds,
      });
      return created;
    });
    return toChannelView(channel);
  }

  async update(
    principal: Principal,
    ability: AppAbility,
    orgId: string,
    id: string,
    input: ChannelUpdate,
  ): Promise<ChannelView> {
    const target = pickTarget(input);
    const fleetIds = input.fleetIds !== undefined ? await this.checkFleets(orgId, input.fleetIds) : undefined;
    return this.dataSource.transaction(async (manager) => {
      const channel = await this.lockOrThrow(manager, ability, 'update', orgId, id);
      const changes: ChannelChanges = {};
      if (input.name !== undefined) changes.name = input.name.trim();
      if (input.events !== undefined) changes.events = [...new Set(input.events)];
      if (fleetIds !== undefined) changes.fleetIds = fleetIds;
      if (input.enabled !== undefined) changes.enabled = input.enabled;
      if (Object.keys(target).length) {
        // New credentials replace the old ones whole: nothing of the old target survives a change of it.
        const { settings, secrets } = checkChannelTarget(channel.kind, target, this.urlPolicy());
        changes.settings = settings;
        changes.secretCiphertext = this.seal(secrets, id);
      }
      if (Object.keys(changes).length) {
        await this.channels.update(manager, id, changes);
        await this.record(manager, principal, orgId, 'notificationChannel.updated', id, {
          changed: Object.keys(changes).filter((key) => key !== 'secretCiphertext'),
          target: describeTarget(channel.kind, changes.settings ?? channel.settings),
          ...(changes.enabled !== undefined ? { enabled: changes.enabled } : {}),
          ...(changes.events ? { events: changes.events } : {}),
        });
      }
      return toChannelView((await this.channels.find(orgId, id, manager))!);
    });
  }

  async delete(principal: Principal, ability: AppAbility, orgId: string, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const channel = await this.lockOrThrow(manager, ability, 'delete', orgId, id);
      await this.channels.delete(manager, orgId, id);
      await this.record(manager, principal, orgId, 'notificationChannel.deleted', id, {
        kind: channel.kind,
        target: describeTarget(channel.kind, channel.settings),
      });
    });
  }

  /** Queues a `channel.test` delivery to this channel alone (enabled or not), and answers with it. */
  async test(principal: Principal, ability: AppAbility, orgId: string, id: string): Promise<DeliveryView> {
    const delivery = await this.dataSource.transaction(async (manager) => {
      await this.lockOrThrow(manager, ability, 'update', orgId, id);
      const created = await this.deliveries.createForChannel(manager, orgId, id, 'channel.test', {
        channelId: id,
        message: 'A test from Farmhand: this channel is set up.',
      });
      await this.record(manager, principal, orgId, 'notificationChannel.tested', id, { deliveryId: created.id });
      return created;
    });
    await this.publisher.enqueue(orgId, [delivery.id]);
    return toDeliveryView(delivery);
  }

  async listDeliveries(orgId: string, id: string, limit = 50): Promise<{ items: DeliveryView[] }> {
    if (!(await this.channels.find(orgId, id))) throw notFound();
    return { items: (await this.deliveries.listForChannel(orgId, id, limit)).map(toDeliveryView) };
  }

  private urlPolicy() {
    return { allowHttp: this.config.WEBHOOK_ALLOW_HTTP, allowPrivate: this.config.WEBHOOK_ALLOW_PRIVATE };
  }

  private seal(secrets: ChannelSecrets, id: string): string | null {
    return Object.keys(secrets).length ? this.cipher.encrypt(JSON.stringify(secrets), id) : null;
  }

  /** null or absent: every fleet; otherwise fleets of this organization, each once. */
  private async checkFleets(orgId: string, fleetIds: string[] | null | undefined): Promise<string[] | null> {
    if (!fleetIds) return null;
    const unique = [...new Set(fleetIds)];
    if (!unique.length || (await this.fleets.countInOrg(orgId, unique)) !== unique.length)
      throw DomainException.invalid('fleet_not_found', 'fleetIds must name fleets of this organization', 'fleetIds');
    return unique;
  }

  private async lockOrThrow(
    manager: EntityManager,
    ability: AppAbility,
    action: 'update' | 'delete',
    orgId: string,
    id: string,
  ): Promise<NotificationChannel> {
    const channel = await this.channels.lock(manager, orgId, id);
    if (!channel) throw notFound();
    ForbiddenError.from(ability).throwUnlessCan(action, subject('NotificationChannel', { ...channel }));
    return channel;
  }

  private record(
    manager: EntityManager,
    principal: Principal,
    orgId: string,
    action: string,
    id: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.record(manager, {
      orgId,
      principal,
      action,
      subject: { type: 'NotificationChannel', id },
      details,
    });
  }
}

function pickTarget(input: ChannelTargetInput): ChannelTargetInput {
  const target: ChannelTargetInput = {};
  for (const field of TARGET_FIELDS) if (input[field] !== undefined) Object.assign(target, { [field]: input[field] });
  return target;
}
