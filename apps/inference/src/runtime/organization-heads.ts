import { Inject, Injectable } from '@nestjs/common';
import { LOGGER } from '@farmhand/core';
import { DetectorTrainingService } from '@farmhand/detection';
import type { Logger } from 'pino';
import { logisticHeadSchema, type LogisticHead } from '../model';
import { InferenceRuntime } from './inference-runtime';

/** How long an organization's head is trusted before it is looked up again: activations reach frames within this. */
export const ORGANIZATION_HEAD_TTL_MS = 5_000;

interface Entry {
  head: LogisticHead | undefined;
  headId: string | null;
  fetchedAt: number;
  pending?: Promise<LogisticHead | undefined>;
}

/**
 * Each organization's active head (undefined: the model's default head), cached per organization for a few seconds
 * so a frame costs no query; an activation or rollback reaches this role's frames within ORGANIZATION_HEAD_TTL_MS.
 * A stored head that does not fit this backbone (another model's size) is ignored: the default head scores instead.
 */
@Injectable()
export class OrganizationHeads {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly training: DetectorTrainingService,
    private readonly runtime: InferenceRuntime,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Forgets what is cached (tests, and a training that just activated nothing). */
  invalidate(orgId?: string): void {
    if (orgId) this.entries.delete(orgId);
    else this.entries.clear();
  }

  async headFor(orgId: string): Promise<LogisticHead | undefined> {
    if (!this.runtime.model.embeddingOutput) return undefined;
    const now = Date.now();
    const entry = this.entries.get(orgId);
    if (entry && now - entry.fetchedAt < ORGANIZATION_HEAD_TTL_MS) return entry.head;
    if (entry?.pending) return entry.pending;
    const pending = this.load(orgId).then(
      (loaded) => {
        this.entries.set(orgId, { ...loaded, fetchedAt: Date.now() });
        return loaded.head;
      },
      (error: unknown) => {
        // The database away for a moment: keep scoring with what was known (or the default head).
        this.logger.warn({ err: error, orgId }, 'organization head lookup failed');
        this.entries.set(orgId, { head: entry?.head, headId: entry?.headId ?? null, fetchedAt: Date.now() });
        return entry?.head;
      },
    );
    this.entries.set(orgId, {
      head: entry?.head,
      headId: entry?.headId ?? null,
      fetchedAt: entry?.fetchedAt ?? 0,
      pending,
    });
    return pending;
  }

  private async load(orgId: string): Promise<{ head: LogisticHead | undefined; headId: string | null }> {
    const row = await this.training.activeHead(orgId, this.runtime.modelSha);
    const size = this.runtime.model.defaultHead?.weights.length;
    if (!row) return { head: undefined, headId: null };
    const parsed = logisticHeadSchema.safeParse(row.head);
    if (!parsed.success || (size !== undefined && parsed.data.weights.length !== size)) {
      this.logger.warn({ orgId, headId: row.id }, 'organization head does not fit the model; the default head scores');
      return { head: undefined, headId: row.id };
    }
    return { head: parsed.data, headId: row.id };
  }
}
