import { Inject, Injectable } from '@nestjs/common';
import {
  DomainException,
  JobQueue,
  LOGGER,
  RateLimiter,
  REDIS,
  REDIS_KEYS,
  sha256Hex,
  type RedisKeys,
} from '@farmhand/core';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ChatCommandsService, DEFERRED_COMMAND_TIMEOUT_MS } from './chat-commands.service';
import { ChatIntegrationsRepository } from './chat-integrations.repository';
import { ChatSecretCipher } from './chat-secret.cipher';
import { CHAT_SECRET_CIPHER } from './chatops.tokens';
import type { ChatPlatform } from './chatops.vocabulary';
import { UnreadableChatRequest, type ChatEvent, type ChatReply } from './inbound/chat-event';
import { DISCORD_ANSWER_JOB_OPTIONS, discordAnswerContext } from './discord-answer.jobs';
import type { ChatIntegration } from './entities/chat-integration.entity';
import { discordDeferred, discordPong, readDiscord } from './inbound/discord.adapter';
import { readSlack, slackReply } from './inbound/slack.adapter';
import { readTelegram, telegramReply } from './inbound/telegram.adapter';
import {
  TIMESTAMP_WINDOW_SECONDS,
  verifyDiscord,
  verifySlack,
  verifyTelegram,
  type Verification,
} from './verification/request-signatures';

type Headers = Record<string, string | string[] | undefined>;

/** Seen requests are remembered past the timestamp window (both sides of it), so a replay inside it is refused. */
const SEEN_TTL_SECONDS = TIMESTAMP_WINDOW_SECONDS * 2 + 60;
/** Telegram updates carry no timestamp: an update id is remembered for a day (Telegram keeps retrying for a day). */
const TELEGRAM_SEEN_TTL_SECONDS = 24 * 3600;
const SLACK_CALLBACK_TIMEOUT_MS = 5_000;

const refused = (code: string, message: string) => DomainException.unauthorized(code, message);

/**
 * The inbound half of chat-ops: verify the platform's signature with the integration's secret, refuse stale and
 * replayed requests, count the integration's rate limit, read the body in the platform's format, run the command or
 * button as the linked member (ChatCommandsService), and answer in the platform's format.
 */
@Injectable()
export class ChatInboundService {
  constructor(
    private readonly integrations: ChatIntegrationsRepository,
    private readonly commands: ChatCommandsService,
    private readonly limiter: RateLimiter,
    @Inject(CHAT_SECRET_CIPHER) private readonly cipher: ChatSecretCipher,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
    private readonly jobs: JobQueue,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async handle(
    platform: ChatPlatform,
    integrationId: string,
    headers: Headers,
    rawBody: unknown,
  ): Promise<Record<string, unknown>> {
    const integration = await this.integrations.findWithSecret(integrationId);
    if (!integration || integration.platform !== platform)
      throw DomainException.notFound('chat_integration_not_found', 'Chat integration not found');
    const body = Buffer.isBuffer(rawBody) ? rawBody : Buffer.alloc(0);

    let secret: string;
    try {
      secret = this.cipher.decrypt(integration.secretCiphertext, integration.id);
    } catch (error) {
      this.logger.error({ err: error, integrationId }, 'chat integration secret unreadable (SECRET_KEY changed?)');
      throw refused('chat_signature_invalid', 'The request is not signed by this integration');
    }
    const verified = this.verify(platform, secret, headers, body);
    if (!verified.ok) {
      this.logger.warn({ integrationId, platform, reason: verified.reason }, 'chat request refused');
      if (verified.reason === 'stale')
        throw refused('chat_request_stale', 'The request timestamp is outside the five-minute window');
      throw refused('chat_signature_invalid', 'The request is not signed by this integration');
    }

    let event: ChatEvent;
    try {
      event = this.read(platform, body);
    } catch (error) {
      if (error instanceof UnreadableChatRequest)
        throw DomainException.invalid('chat_request_unreadable', `Unreadable ${platform} request: ${error.message}`);
      throw error;
    }
    if (event.kind === 'ping') return discordPong();

    const replayKey = verified.replayKey || (event.kind === 'ignored' ? undefined : event.replayKey);
    if (replayKey) await this.refuseReplay(integration.id, replayKey, platform === 'telegram');
    const allowed = await this.limiter.consume(
      { name: 'chatops', points: integration.rateLimitPerMinute, durationSeconds: 60, whenRedisDown: 'memory' },
      integration.id,
    );
    if (!allowed.allowed) {
      throw new DomainException(
        'rate_limited',
        'chat_rate_limited',
        'Too many chat requests; try again shortly',
        undefined,
        {
          retryAfterSeconds: allowed.retryAfterSeconds,
        },
      );
    }
    if (event.kind === 'ignored') return {};
    if (platform === 'discord') {
      // Discord gives 3 s for an answer: "thinking…" now, the outcome through the interaction's webhook later.
      void this.answerDiscordLater(integration, event);
      return discordDeferred();
    }

    const reply =
      event.kind === 'command'
        ? await this.commands.command(integration, event.user, event.text)
        : await this.commands.button(integration, event.user, event.buttonId);
    return this.answer(platform, event, reply);
  }

  private verify(platform: ChatPlatform, secret: string, headers: Headers, body: Buffer): Verification {
    const now = Math.floor(Date.now() / 1000);
    switch (platform) {
      case 'slack':
        return verifySlack(secret, headers, body, now);
      case 'discord':
        return verifyDiscord(secret, headers, body, now);
      case 'telegram':
        return verifyTelegram(secret, headers);
    }
  }

  private read(platform: ChatPlatform, body: Buffer): ChatEvent {
    switch (platform) {
      case 'slack':
        return readSlack(body);
      case 'discord':
        return readDiscord(body);
      case 'telegram':
        return readTelegram(body);
    }
  }

  /** SET NX: the first request with this signature (or update id) wins, any copy of it is refused. */
  private async refuseReplay(integrationId: string, replayKey: string, long: boolean): Promise<void> {
    const key = this.keys.key('chatops', 'seen', integrationId, sha256Hex(replayKey));
    const first = await this.redis.set(key, '1', 'EX', long ? TELEGRAM_SEEN_TTL_SECONDS : SEEN_TTL_SECONDS, 'NX');
    if (first !== 'OK') throw DomainException.conflict('chat_request_replayed', 'This request was already received');
  }

  private answer(
    platform: ChatPlatform,
    event: Extract<ChatEvent, { kind: 'command' | 'button' }>,
    reply: ChatReply,
  ): Record<string, unknown> {
    switch (platform) {
      case 'slack': {
        const body = slackReply(reply);
        if (event.kind === 'button' && event.reply.responseUrl) this.callSlackBack(event.reply.responseUrl, body);
        return body;
      }
      case 'discord':
        throw new Error('Discord interactions are answered deferred');
      case 'telegram':
        return telegramReply(reply, event.reply);
    }
  }

  /**
   * Runs the command or click as the linked member (waiting for the printer up to 30 s), then queues the edit of the
   * deferred answer: a BullMQ job retried with backoff while the interaction token lives (15 min). The token travels
   * encrypted. Whatever goes wrong here still ends in an answer, never in an endless "thinking…".
   */
  private async answerDiscordLater(
    integration: ChatIntegration,
    event: Extract<ChatEvent, { kind: 'command' | 'button' }>,
  ): Promise<void> {
    const context = event.reply.discord;
    if (!context) return;
    const options = { timeoutMs: DEFERRED_COMMAND_TIMEOUT_MS };
    let reply: ChatReply;
    try {
      reply =
        event.kind === 'command'
          ? await this.commands.command(integration, event.user, event.text, options)
          : await this.commands.button(integration, event.user, event.buttonId, options);
    } catch (error) {
      this.logger.error({ err: error, integrationId: integration.id }, 'discord chat command failed');
      reply = { text: 'Something went wrong on the Farmhand side; nothing was confirmed. Check with `status`.' };
    }
    try {
      await this.jobs.enqueue(
        'chatops.discord.answer',
        {
          orgId: integration.orgId,
          integrationId: integration.id,
          applicationId: context.applicationId,
          tokenCiphertext: this.cipher.encrypt(context.token, discordAnswerContext(integration.id)),
          content: reply.text,
          buttons: reply.buttons ?? [],
        },
        DISCORD_ANSWER_JOB_OPTIONS,
      );
    } catch (error) {
      this.logger.error({ err: error, integrationId: integration.id }, 'discord answer could not be queued');
    }
  }

  /** Slack ignores the body of an interactive request's answer: the reply goes to its response_url instead. */
  private callSlackBack(url: string, body: Record<string, unknown>): void {
    void fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      redirect: 'error',
      signal: AbortSignal.timeout(SLACK_CALLBACK_TIMEOUT_MS),
    }).catch((error: unknown) => this.logger.warn({ err: error }, 'slack response_url call failed'));
  }
}
