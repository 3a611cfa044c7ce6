import { access } from 'node:fs/promises';
import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import { DomainException } from '@farmhand/core';
import { FrameStorage, FramesRepository } from '@farmhand/detection';
import { DataSource } from 'typeorm';
import { SIGNED_LINKS } from '../notifications.tokens';
import { escapeHtml } from './channel-messages';
import { NotificationPreferencesRepository } from '../preferences/notification-preferences.repository';
import { NotificationChannelsRepository } from './notification-channels.repository';
import type { SignedLinks } from './signed-links';

const MAX_TOKEN_LENGTH = 600;
const frameNotFound = () => DomainException.notFound('frame_not_found', 'Frame not found');
const invalidLink = () =>
  DomainException.notFound('unsubscribe_link_invalid', 'This unsubscribe link is not valid (or its channel is gone)');

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif;max-width:32rem;margin:3rem auto"><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

@Injectable()
export class NotificationLinksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly frames: FramesRepository,
    private readonly storage: FrameStorage,
    private readonly channels: NotificationChannelsRepository,
    private readonly audit: AuditService,
    private readonly preferences: NotificationPreferencesRepository,
    @Inject(SIGNED_LINKS) private readonly links: SignedLinks,
  ) {}

  /** A wrong, expired or foreign signature reads as no frame at all. */
  async openFrame(orgId: string, frameId: string, expires: string, signature: string) {
    if (!this.links.frameAllowed(orgId, frameId, expires, signature)) throw frameNotFound();
    const frame = await this.frames.findInOrg(orgId, frameId);
    if (!frame) throw frameNotFound();
    try {
      await access(this.storage.absolute(frame.storagePath));
    } catch {
      throw frameNotFound();
    }
    return { stream: this.storage.open(frame.storagePath), bytes: frame.bytes };
  }

  async confirmPage(token: string): Promise<string> {
    const personal = this.readPersonal(token);
    if (personal) {
      if (!(await this.preferences.find(personal.orgId, personal.userId))) throw invalidLink();
      return page(
        'Unsubscribe',
        '<p>Stop your personal Farmhand notification mails from this organization? You can choose events again on ' +
          'the “My notifications” page.</p><form method="post"><button type="submit">Unsubscribe</button></form>',
      );
    }
    const read = this.read(token);
    const channel = await this.channels.find(await this.orgOf(read.channelId), read.channelId);
    if (!channel || channel.kind !== 'email') throw invalidLink();
    return page(
      'Unsubscribe',
      `<p>Stop mails from the Farmhand channel “${escapeHtml(channel.name)}” to ${escapeHtml(read.address)}?</p>` +
        `<form method="post"><button type="submit">Unsubscribe</button></form>`,
    );
  }

  async unsubscribe(token: string): Promise<string> {
    const personal = this.readPersonal(token);
    if (personal) return this.unsubscribePersonal(personal.orgId, personal.userId);
    const read = this.read(token);
    const done = await this.channels.unsubscribe(read.channelId, read.address);
    if (!done) throw invalidLink();
    await this.dataSource.transaction((manager) =>
      this.audit.record(manager, {
        orgId: done.orgId,
        principal: { kind: 'system', orgId: done.orgId, reason: 'unsubscribe link' },
        action: 'notificationChannel.unsubscribed',
        subject: { type: 'NotificationChannel', id: read.channelId },
        details: { address: read.address },
      }),
    );
    return page('Unsubscribed', `<p>${escapeHtml(read.address)} will get no more mails from this channel.</p>`);
  }

  /** Clears the member's emailed events (push stays as chosen); their held mails go too. */
  private async unsubscribePersonal(orgId: string, userId: string): Promise<string> {
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.preferences.stopEmail(manager, orgId, userId))) throw invalidLink();
      await this.audit.record(manager, {
        orgId,
        principal: { kind: 'system', orgId, reason: 'unsubscribe link' },
        action: 'notificationPreference.unsubscribed',
        subject: { type: 'NotificationPreference', id: userId },
        details: { userId },
      });
    });
    return page('Unsubscribed', '<p>You will get no more notification mails from this organization.</p>');
  }

  private readPersonal(token: string): { orgId: string; userId: string } | null {
    const read = token.length <= MAX_TOKEN_LENGTH ? this.links.readPersonalUnsubscribeToken(token) : null;
    const uuid = /^[0-9a-f-]{36}$/i;
    return read && uuid.test(read.orgId) && uuid.test(read.userId) ? read : null;
  }

  private read(token: string): { channelId: string; address: string } {
    const read = token.length <= MAX_TOKEN_LENGTH ? this.links.readUnsubscribeToken(token) : null;
    if (!read || !/^[0-9a-f-]{36}$/i.test(read.channelId)) throw invalidLink();
    return read;
  }

  private async orgOf(channelId: string): Promise<string> {
    const org = await this.channels.orgOf(channelId);
    if (!org) throw invalidLink();
    return org;
  }
}
