import { Inject, Injectable } from '@nestjs/common';
import { MemberDirectory, type MemberIdentity } from '@farmhand/accounts';
import { defineAbilityFor, subject } from '@farmhand/authz';
import { APP_CONFIG, JobQueue, LOGGER, OnJob, type AppConfig, type JobPayloads } from '@farmhand/core';
import type { Logger } from 'pino';
import { buildMessage, emailContent, escapeHtml, type NotificationMessage } from '../channels/channel-messages';
import type { MailSender } from '../channels/mail-sender';
import type { SignedLinks } from '../channels/signed-links';
import type { HeldNotification, PersonalChannel } from '../entities/held-notification.entity';
import type { NotificationPreference } from '../entities/notification-preference.entity';
import { MAIL_SENDER, SIGNED_LINKS } from '../notifications.tokens';
import { NotificationClock } from '../preferences/notification-clock';
import { NotificationPreferencesRepository } from '../preferences/notification-preferences.repository';
import { nextDigestAt, quietUntil } from '../preferences/quiet-hours';
import type { SubscribableWebhookEvent } from '../webhook-events';

const MEMBERS_PER_TICK = 500;
/** A held mail the SMTP server refused is tried again this much later. */
const RETRY_HELD_MS = 5 * 60_000;

interface Reach {
  member: MemberIdentity;
  preference: NotificationPreference;
}

/**
 * Personal delivery (email to the member's account address, browser push) in the worker. Every decision is made
 * from the state now: the membership (a removed member gets nothing), the member's ability (a fleet-limited member
 * never gets another fleet's printer; events of no fleet reach whole-organization members only), their preferences
 * (event, channel, fleets), then quiet hours and the digest, which hold the notification until its time.
 */
@Injectable()
export class PersonalNotificationJobs {
  constructor(
    private readonly preferences: NotificationPreferencesRepository,
    private readonly members: MemberDirectory,
    private readonly jobs: JobQueue,
    private readonly clock: NotificationClock,
    @Inject(MAIL_SENDER) private readonly mail: MailSender,
    @Inject(SIGNED_LINKS) private readonly links: SignedLinks,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @OnJob('notification.personal')
  async deliver(payload: JobPayloads['notification.personal']) {
    const { orgId, userId, event, data } = payload;
    const reach = await this.reach(orgId, userId, event, data);
    if (!reach) return { status: 'out_of_reach' };
    const now = this.clock.now();
    const { preference } = reach;
    const urgent = (preference.urgentEvents as string[]).includes(event);
    const outcome: Record<string, string> = {};
    for (const channel of this.channelsFor(preference, event)) {
      const digest = channel === 'email' && preference.digestHour !== null && !urgent;
      const quietEnd = urgent ? null : quietUntil(now, preference.timeZone, preference.quietStart, preference.quietEnd);
      const releaseAt = digest ? nextDigestAt(now, preference.timeZone, preference.digestHour!) : quietEnd;
      if (releaseAt) {
        await this.preferences.hold({
          orgId,
          userId,
          event,
          channel,
          reason: digest ? 'digest' : 'quiet',
          payload: data,
          releaseAt,
        });
        outcome[channel] = digest ? 'digest' : 'held';
      } else {
        await this.send(reach, channel, event, data);
        outcome[channel] = 'sent';
      }
    }
    return { status: 'handled', ...outcome };
  }

  @OnJob('notification.release')
  release() {
    return this.releaseDue(this.clock.now());
  }

  /** Sends what is held and due at `now`: quiet-hour notifications one by one, digest items as one mail. */
  async releaseDue(now: Date) {
    let sent = 0;
    let dropped = 0;
    for (const { orgId, userId } of await this.preferences.dueMembers(now, MEMBERS_PER_TICK)) {
      const held = await this.preferences.takeDue(orgId, userId, now);
      const digest: { item: HeldNotification; message: NotificationMessage }[] = [];
      for (const item of held) {
        // Reach is checked again: the member may have left, lost a fleet or changed their mind while it waited.
        const reach = await this.reach(orgId, userId, item.event, item.payload);
        if (!reach || !this.channelsFor(reach.preference, item.event).includes(item.channel)) {
          dropped++;
          continue;
        }
        if (item.reason === 'digest') {
          digest.push({ item, message: this.message(orgId, item.event, item.payload) });
          continue;
        }
        try {
          await this.send(reach, item.channel, item.event, item.payload);
          sent++;
        } catch (error) {
          await this.rehold(item, now, error);
        }
      }
      if (digest.length) {
        try {
          await this.sendDigest(orgId, userId, digest);
          sent++;
        } catch (error) {
          for (const { item } of digest) await this.rehold(item, now, error);
        }
      }
    }
    return { status: 'released', sent, dropped };
  }

  private async rehold(item: HeldNotification, now: Date, error: unknown): Promise<void> {
    this.logger.warn({ orgId: item.orgId, event: item.event, err: error }, 'held notification not sent; kept');
    const { id: _id, createdAt: _createdAt, ...row } = item;
    await this.preferences.hold({ ...row, releaseAt: new Date(now.getTime() + RETRY_HELD_MS) });
  }

  private channelsFor(preference: NotificationPreference, event: string): PersonalChannel[] {
    const chosen = (events: SubscribableWebhookEvent[]) => (events as string[]).includes(event);
    return [
      ...(chosen(preference.emailEvents) ? (['email'] as const) : []),
      ...(chosen(preference.pushEvents) ? (['push'] as const) : []),
    ];
  }

  /** Null when the event must not reach this person now. */
  private async reach(
    orgId: string,
    userId: string,
    event: string,
    data: Record<string, unknown>,
  ): Promise<Reach | null> {
    const member = await this.members.findByUser(orgId, userId);
    if (!member) {
      await this.preferences.dropHeld(orgId, userId);
      return null;
    }
    const preference = await this.preferences.find(orgId, userId);
    if (!preference || !this.channelsFor(preference, event).length) return null;
    const fleetId = typeof data.fleetId === 'string' ? data.fleetId : null;
    if (!fleetId) return member.fleetIds === null ? { member, preference } : null;
    const ability = defineAbilityFor({
      kind: 'user',
      userId,
      sessionId: 'notification',
      email: member.email,
      orgId,
      membershipId: member.membershipId,
      role: member.role,
      fleetIds: member.fleetIds,
    });
    const printerId = typeof data.printerId === 'string' ? data.printerId : undefined;
    if (!ability.can('read', subject('Printer', { orgId, fleetId, id: printerId }))) return null;
    if (preference.fleetIds && !preference.fleetIds.includes(fleetId)) return null;
    return { member, preference };
  }

  private message(orgId: string, event: string, data: Record<string, unknown>): NotificationMessage {
    return buildMessage(orgId, event, data, {
      publicUrl: this.publicUrl(),
      frameUrl: (frameId) => this.links.frameUrl(orgId, frameId),
    });
  }

  private publicUrl(): string {
    return this.config.PUBLIC_URL.replace(/\/+$/, '');
  }

  private async send(reach: Reach, channel: PersonalChannel, event: string, data: Record<string, unknown>) {
    const { orgId, userId, email } = reach.member;
    const message = this.message(orgId, event, data);
    if (channel === 'push') {
      await this.jobs.enqueue('notification.push', {
        orgId,
        userId,
        event,
        title: message.title,
        body: message.lines.join('\n'),
        url: message.link ?? `${this.publicUrl()}/orgs/${orgId}`,
        ...(message.imageUrl ? { frameUrl: message.imageUrl } : {}),
      });
      return;
    }
    if (!this.mail.configured) {
      this.logger.debug({ orgId, event }, 'SMTP_URL is not set: personal mail not sent');
      return;
    }
    const unsubscribeUrl = this.links.personalUnsubscribeUrl(orgId, userId);
    await this.mail.send({
      to: email,
      ...emailContent(message, unsubscribeUrl),
      headers: unsubscribeHeaders(unsubscribeUrl),
    });
  }

  private async sendDigest(
    orgId: string,
    userId: string,
    items: { item: HeldNotification; message: NotificationMessage }[],
  ): Promise<void> {
    const member = await this.members.findByUser(orgId, userId);
    if (!member || !this.mail.configured) return;
    const unsubscribeUrl = this.links.personalUnsubscribeUrl(orgId, userId);
    const when = (item: HeldNotification) => item.createdAt.toISOString().slice(0, 16).replace('T', ' ');
    const text = [
      `${items.length} Farmhand notification${items.length === 1 ? '' : 's'} since the last digest:`,
      '',
      ...items.flatMap(({ item, message }) => [
        `${when(item)} UTC  ${message.title}`,
        ...message.lines.map((l) => `  ${l}`),
        '',
      ]),
      `Open Farmhand: ${this.publicUrl()}/orgs/${orgId}`,
      `Stop these mails: ${unsubscribeUrl}`,
    ].join('\n');
    const html = [
      '<!doctype html><html><body style="font-family:sans-serif">',
      `<h2>${items.length} Farmhand notification${items.length === 1 ? '' : 's'}</h2>`,
      '<ul>',
      ...items.map(
        ({ item, message }) =>
          `<li><strong>${escapeHtml(message.title)}</strong> <small>${escapeHtml(when(item))} UTC</small>` +
          message.lines.map((line) => `<br>${escapeHtml(line)}`).join('') +
          '</li>',
      ),
      '</ul>',
      `<p style="color:#666;font-size:small"><a href="${escapeHtml(unsubscribeUrl)}">Unsubscribe</a></p>`,
      '</body></html>',
    ].join('\n');
    await this.mail.send({
      to: member.email,
      subject: `[Farmhand] Daily digest: ${items.length} notification${items.length === 1 ? '' : 's'}`,
      text,
      html,
      headers: unsubscribeHeaders(unsubscribeUrl),
    });
  }
}

function unsubscribeHeaders(url: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}
