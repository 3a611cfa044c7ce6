import { createECDH } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { AuditService } from '@farmhand/audit';
import type { Principal } from '@farmhand/authz';
import {
  APP_CONFIG,
  DomainException,
  JobQueue,
  LOGGER,
  RateLimiter,
  type AppConfig,
  type DomainEventMap,
  type RateLimit,
} from '@farmhand/core';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import type { CreatePushSubscriptionDto, PushSubscriptionDto } from '../dto/push-subscription.dto';
import type { PushSubscription } from '../entities/push-subscription.entity';
import { PUSH_SENDER } from '../notifications.tokens';
import { validateWebhookUrl } from '../webhook-url';
import type { PushSender } from './push-sender';
import { PushSubscriptionsRepository } from './push-subscriptions.repository';

/** Browsers one person keeps subscribed in one organization; subscribing another drops the oldest. */
export const PUSH_SUBSCRIPTIONS_PER_USER = 10;

/** Test notifications a person may send themselves: enough to try a few browsers, not a way to flood push services. */
export const PUSH_TESTS: RateLimit = { name: 'push-test', points: 5, durationSeconds: 600, whenRedisDown: 'memory' };

const notConfigured = () =>
  new DomainException(
    'unavailable',
    'push_not_configured',
    'Browser push is not configured on this server (VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY)',
  );

/** A P-256 point the browser sent is a point on the curve (ECDH refuses anything else): checked before it is kept. */
function validBrowserKey(p256dh: string): boolean {
  const bytes = Buffer.from(p256dh, 'base64url');
  if (bytes.length !== 65 || bytes[0] !== 0x04) return false;
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    ecdh.computeSecret(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Web Push subscriptions: each person's own browsers, in each organization. Other people's subscriptions do not
 * exist for them (every query carries the caller's user id). The endpoint goes through the webhook SSRF check
 * here and again when a message is sent (push.jobs.ts).
 */
@Injectable()
export class PushSubscriptionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly subscriptions: PushSubscriptionsRepository,
    private readonly audit: AuditService,
    private readonly jobs: JobQueue,
    @Inject(PUSH_SENDER) private readonly sender: PushSender | null,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly limiter: RateLimiter,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  publicKey(): { publicKey: string | null } {
    return { publicKey: this.sender?.publicKey ?? null };
  }

  async subscribe(principal: Principal, orgId: string, input: CreatePushSubscriptionDto): Promise<PushSubscriptionDto> {
    const userId = userIdOf(principal);
    if (!this.sender) throw notConfigured();
    const endpoint = this.validEndpoint(input.endpoint);
    if (Buffer.from(input.keys.auth, 'base64url').length !== 16)
      throw DomainException.invalid('push_keys_invalid', 'keys.auth must be a 16-byte secret', 'keys.auth');
    if (!validBrowserKey(input.keys.p256dh))
      throw DomainException.invalid('push_keys_invalid', 'keys.p256dh must be a P-256 public key', 'keys.p256dh');
    const p256dh = Buffer.from(input.keys.p256dh, 'base64url').toString('base64url');
    const auth = Buffer.from(input.keys.auth, 'base64url').toString('base64url');
    return this.dataSource.transaction(async (manager) => {
      await this.subscriptions.lockOwner(manager, orgId, userId);
      const { subscription, created } = await this.subscriptions.upsert(manager, {
        orgId,
        userId,
        endpoint,
        p256dh,
        auth,
      });
      await this.subscriptions.trim(manager, orgId, userId, PUSH_SUBSCRIPTIONS_PER_USER);
      if (created) await this.record(manager, principal, orgId, 'pushSubscription.created', subscription);
      return { id: subscription.id, createdAt: subscription.createdAt.toISOString() };
    });
  }

  async unsubscribe(principal: Principal, orgId: string, endpoint: string): Promise<void> {
    const userId = userIdOf(principal);
    await this.dataSource.transaction(async (manager) => {
      const removed = await this.subscriptions.deleteByEndpoint(manager, orgId, userId, endpoint);
      if (!removed)
        throw DomainException.notFound('push_subscription_not_found', 'No subscription of yours has this endpoint');
      await this.record(manager, principal, orgId, 'pushSubscription.deleted', removed);
    });
  }

  /** Queues a test notification to every browser of the caller (until per-person preferences send real ones). */
  async test(principal: Principal, orgId: string): Promise<{ subscriptions: number }> {
    const userId = userIdOf(principal);
    if (!this.sender) throw notConfigured();
    const subscriptions = await this.subscriptions.countForUser(orgId, userId);
    if (!subscriptions)
      throw DomainException.conflict('push_not_subscribed', 'Enable desktop notifications in a browser first');
    if (!(await this.limiter.consume(PUSH_TESTS, `${orgId}:${userId}`)).allowed)
      throw new DomainException(
        'rate_limited',
        'push_test_throttled',
        'Too many test notifications; wait a few minutes',
      );
    await this.jobs.enqueue('notification.push', {
      orgId,
      userId,
      event: 'push.test',
      title: 'Farmhand test notification',
      body: 'Desktop notifications reach this browser.',
      url: '/account',
    });
    return { subscriptions };
  }

  /** A removed member's browsers stop at once here (the push job also checks membership before every message). */
  @OnEvent('member.removed')
  async onMemberRemoved(event: DomainEventMap['member.removed']): Promise<void> {
    try {
      await this.subscriptions.deleteForUser(event.orgId, event.userId);
    } catch (error) {
      this.logger.error(
        { err: error, orgId: event.orgId },
        'could not remove the push subscriptions of a removed member',
      );
    }
  }

  private validEndpoint(raw: string): string {
    return validateWebhookUrl(
      raw,
      { allowHttp: this.config.PUSH_ALLOW_HTTP, allowPrivate: this.config.PUSH_ALLOW_PRIVATE },
      'endpoint',
    );
  }

  /** Audited lightly: the push service's origin, never the endpoint (a capability URL for that browser). */
  private record(manager: EntityManager, principal: Principal, orgId: string, action: string, row: PushSubscription) {
    return this.audit.record(manager, {
      orgId,
      principal,
      action,
      subject: { type: 'PushSubscription', id: row.id },
      details: { pushService: new URL(row.endpoint).origin },
    });
  }
}

/** Subscriptions belong to people: an API key holds none (its scopes never grant it; this is the second lock). */
function userIdOf(principal: Principal): string {
  if (principal.kind !== 'user') throw DomainException.forbidden('forbidden', 'Only people subscribe browsers');
  return principal.userId;
}
