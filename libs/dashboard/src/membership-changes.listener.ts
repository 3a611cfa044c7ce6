import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { AccountsEventMap } from '@farmhand/accounts';
import { DashboardSubscribers } from './dashboard-subscribers.service';

/**
 * Live sockets outlast the request that changed someone's access: a removed member, a revoked session or API key,
 * a narrowed fleet limit or a deleted organization takes effect on their open dashboards at once, on every instance.
 */
@Injectable()
export class MembershipChangesListener {
  constructor(private readonly subscribers: DashboardSubscribers) {}

  @OnEvent('member.roleChanged')
  onRoleChanged(event: AccountsEventMap['member.roleChanged']): void {
    this.subscribers.publishControl({ type: 'membershipChanged', orgId: event.orgId, userId: event.userId });
  }

  @OnEvent('member.removed')
  onRemoved(event: AccountsEventMap['member.removed']): void {
    this.subscribers.publishControl({ type: 'memberRemoved', orgId: event.orgId, userId: event.userId });
  }

  @OnEvent('session.revoked')
  onSessionRevoked(event: AccountsEventMap['session.revoked']): void {
    this.subscribers.publishControl({ type: 'sessionRevoked', sessionId: event.sessionId });
  }

  @OnEvent('apiKey.revoked')
  onApiKeyRevoked(event: AccountsEventMap['apiKey.revoked']): void {
    this.subscribers.publishControl({ type: 'apiKeyRevoked', orgId: event.orgId, keyId: event.keyId });
  }

  @OnEvent('organization.deleted')
  onOrganizationDeleted(event: AccountsEventMap['organization.deleted']): void {
    this.subscribers.publishControl({ type: 'organizationDeleted', orgId: event.orgId });
  }
}
