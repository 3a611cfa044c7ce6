import { Inject, Injectable, Module } from '@nestjs/common';
import type { JobsOptions } from 'bullmq';
import { APP_CONFIG, LOGGER, OnJob, type AppConfig, type JobPayloads } from '@farmhand/core';
import { WebhookSender } from '@farmhand/notifications';
import type { Logger } from 'pino';
import { ChatSecretCipher } from './chat-secret.cipher';
import { CHAT_SECRET_CIPHER, DISCORD_SENDER } from './chatops.tokens';
import { discordEdit } from './inbound/discord.adapter';

/**
 * Eight tries backing off from 2 s (the last about 4 minutes after the first): all inside the 15 minutes an
 * interaction token lives.
 */
export const DISCORD_ANSWER_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 3600, count: 1_000 },
  removeOnFail: { age: 24 * 3600 },
};

/** The additional data a queued interaction token is encrypted with: it decrypts for its integration only. */
export function discordAnswerContext(integrationId: string): string {
  return `discord-answer:${integrationId}`;
}

/** Discord's answers that no retry changes: a malformed edit, an unknown or expired token, missing access. */
const FINAL_STATUSES = new Set([400, 401, 403, 404]);

/**
 * The worker's half of chat-ops' Discord answers: `PATCH {DISCORD_API_URL}/webhooks/{application_id}/{token}/
 * messages/@original` with the outcome, through the webhook sender (address checks against SSRF, no redirects,
 * 10 s cut). A refused address or a final 4xx ends the job; anything else is thrown, so BullMQ retries.
 */
@Injectable()
export class DiscordAnswerJobs {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CHAT_SECRET_CIPHER) private readonly cipher: ChatSecretCipher,
    @Inject(DISCORD_SENDER) private readonly sender: WebhookSender,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @OnJob('chatops.discord.answer')
  async answer(payload: JobPayloads['chatops.discord.answer']) {
    let token: string;
    try {
      token = this.cipher.decrypt(payload.tokenCiphertext, discordAnswerContext(payload.integrationId));
    } catch {
      return { status: 'unreadable' };
    }
    const base = this.config.DISCORD_API_URL.replace(/\/+$/, '');
    const url = `${base}/webhooks/${encodeURIComponent(payload.applicationId)}/${encodeURIComponent(token)}/messages/@original`;
    const body = JSON.stringify(discordEdit({ text: payload.content, buttons: payload.buttons }));
    const result = await this.sender.post(
      url,
      { 'Content-Type': 'application/json', 'User-Agent': 'DiscordBot (https://farmhand.dev, 1) Farmhand-ChatOps' },
      body,
      'PATCH',
    );
    if (result.ok) return { status: 'answered' };
    // The error names the status and Discord's answer, never the URL (the token is in its path).
    const facts = { integrationId: payload.integrationId, status: result.status, error: result.error };
    if (result.permanent || (result.status !== null && FINAL_STATUSES.has(result.status))) {
      this.logger.warn(facts, 'discord answer refused');
      return { status: 'refused', httpStatus: result.status };
    }
    throw new Error(`discord answer failed: ${result.error ?? 'no answer'}`);
  }
}

/** Imported by the worker role (it consumes the `notifications` queue the answers are queued on). */
@Module({
  providers: [
    DiscordAnswerJobs,
    {
      provide: CHAT_SECRET_CIPHER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new ChatSecretCipher(config.SECRET_KEY),
    },
    {
      provide: DISCORD_SENDER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new WebhookSender({ allowHttp: config.WEBHOOK_ALLOW_HTTP, allowPrivate: config.WEBHOOK_ALLOW_PRIVATE }),
    },
  ],
})
export class ChatopsWorkerModule {}
