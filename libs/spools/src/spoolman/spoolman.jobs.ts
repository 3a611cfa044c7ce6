import { Inject, Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { JobQueue, LOGGER, OnJob, type JobPayloads } from '@farmhand/core';
import type { Logger } from 'pino';
import type { SpoolsEventMap } from '../spools.events';
import { SpoolmanClient, SpoolmanError } from './spoolman-client';
import { spoolmanTarget } from './spoolman-target';
import { SpoolmanSecretCipher } from './spoolman-secret.cipher';
import { enqueueSpoolmanUse, SPOOLMAN_USE_ATTEMPTS } from './spoolman-use.enqueue';
import { SpoolmanRepository } from './spoolman.repository';
import { SPOOLMAN_CLIENT, SPOOLMAN_SECRET_CIPHER } from './spoolman.tokens';

/** Spoolman rounds weights; a use that landed shows within this many grams of what was sent. */
const LANDED_TOLERANCE_GRAMS = 0.01;

/**
 * Writes print usage to Spoolman: `PUT /api/v1/spool/{id}/use` with `use_weight`, one usage row per print attempt.
 *
 * Spoolman's `use` is not idempotent (each call subtracts again) and takes no idempotency key, so a retry must not
 * send a use that already landed (the answer lost to a timeout, the worker killed after the PUT). Before the first
 * PUT the handler records Spoolman's `used_weight` for the spool (the baseline, committed); a later try first reads
 * the spool again and, if `used_weight` has moved by the usage's grams since the baseline, marks it sent without
 * sending. An advisory lock per usage is held for the whole try, so two tries of one usage never overlap.
 */
@Injectable()
export class SpoolmanJobs {
  constructor(
    private readonly repository: SpoolmanRepository,
    private readonly jobs: JobQueue,
    @Inject(SPOOLMAN_CLIENT) private readonly client: SpoolmanClient,
    @Inject(SPOOLMAN_SECRET_CIPHER) private readonly cipher: SpoolmanSecretCipher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** A print's usage on a Spoolman spool was committed: queue its write (the row is the source of truth). */
  @OnEvent('spool.usageRecorded')
  async onUsageRecorded(event: SpoolsEventMap['spool.usageRecorded']): Promise<void> {
    if (!event.spoolman) return;
    try {
      await enqueueSpoolmanUse(this.jobs, event.orgId, event.usageId);
    } catch (error) {
      // Redis down: the row stays pending, and the next sync of the spools page queues it again.
      this.logger.warn({ err: error, usageId: event.usageId }, 'spoolman usage not queued; left pending');
    }
  }

  @OnJob('spoolman.use')
  async use(payload: JobPayloads['spoolman.use'], job: { attemptsMade: number; opts?: { attempts?: number } }) {
    const tries = job.attemptsMade + 1;
    const lastTry = tries >= (job.opts?.attempts ?? SPOOLMAN_USE_ATTEMPTS);
    const outcome = await this.repository.exclusively(payload.usageId, async () => {
      const found = await this.repository.usageWithSpool(payload.orgId, payload.usageId);
      if (!found || found.usage.spoolmanState !== 'pending') return { status: 'stale' } as const;
      const { usage, spoolmanId } = found;
      const connection = await this.repository.connection(payload.orgId);
      const fail = async (message: string) => {
        await this.repository.updateUsage(usage.id, {
          spoolmanState: 'failed',
          spoolmanTries: usage.spoolmanTries + 1,
          spoolmanError: message.slice(0, 300),
        });
        return { status: 'failed', error: message } as const;
      };
      if (!connection) return fail('the organization has no Spoolman server any more');
      if (spoolmanId == null) return fail('the spool is not a Spoolman spool');
      try {
        const target = spoolmanTarget(connection, this.cipher);
        const now = await this.client.getSpool(target, spoolmanId);
        if (
          usage.spoolmanBaselineUsed != null &&
          now.used_weight >= usage.spoolmanBaselineUsed + usage.grams - LANDED_TOLERANCE_GRAMS
        ) {
          await this.markSent(usage.id, usage.spoolmanTries + 1);
          return { status: 'already-applied', spoolmanId } as const;
        }
        // Committed before the PUT: a try that dies after the PUT leaves it for the next one to compare against.
        await this.repository.updateUsage(usage.id, { spoolmanBaselineUsed: now.used_weight });
        const after = await this.client.useWeight(target, spoolmanId, usage.grams);
        await this.markSent(usage.id, usage.spoolmanTries + 1);
        return { status: 'sent', spoolmanId, remaining: after.remaining_weight ?? null } as const;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const permanent = error instanceof SpoolmanError && error.permanent;
        if (permanent || lastTry) return fail(message);
        await this.repository.updateUsage(usage.id, {
          spoolmanTries: usage.spoolmanTries + 1,
          spoolmanError: message.slice(0, 300),
        });
        return { status: 'retry', error: message } as const;
      }
    });
    // Another try of this usage holds it: this one comes back later.
    if (outcome === 'busy') throw new Error('another try of this usage is running');
    if (outcome.status === 'sent' && outcome.remaining != null)
      await this.repository.updateMirrorWeight(payload.orgId, outcome.spoolmanId, outcome.remaining);
    if (outcome.status === 'sent' || outcome.status === 'already-applied')
      await this.repository.noteResult(payload.orgId, null);
    if (outcome.status === 'retry' || outcome.status === 'failed')
      await this.repository.noteResult(payload.orgId, outcome.error);
    // Thrown after the commit, so the try's error stays on the row while BullMQ backs off.
    if (outcome.status === 'retry') throw new Error(outcome.error);
    return { status: outcome.status };
  }

  private markSent(id: string, tries: number) {
    return this.repository.updateUsage(id, {
      spoolmanState: 'sent',
      spoolmanSentAt: new Date(),
      spoolmanTries: tries,
      spoolmanError: null,
    });
  }
}
