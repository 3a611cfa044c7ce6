import type { JobsOptions } from 'bullmq';

/**
 * The one place that names every queue and job, pairs each job with its payload type and its queue, and sets
 * defaults. A job without a handler stops the worker at boot (see JobHandlerRegistry).
 */
export const QueueName = {
  Maintenance: 'maintenance',
  Scheduling: 'scheduling',
  Dispatch: 'dispatch',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

/** Every payload says which organization it is about (null for platform-wide work) and carries the correlation id. */
export interface JobEnvelope {
  orgId: string | null;
  correlationId?: string;
}

export interface JobPayloads {
  'audit.prune': JobEnvelope & { olderThanDays: number };
  'sessions.prune': JobEnvelope;
  /** One scheduler pass over an organization's queue (orgId null: every organization, the periodic tick). */
  'scheduler.pass': JobEnvelope & { reason: string };
  /** Sends one assigned print copy to its printer; `attempt` is the copy's assignment number, not BullMQ's. */
  'copy.dispatch': JobEnvelope & { orgId: string; copyId: string; printerId: string; attempt: number };
}
export type JobName = keyof JobPayloads;

export const JOB_QUEUE: { readonly [K in JobName]: QueueName } = {
  'audit.prune': QueueName.Maintenance,
  'sessions.prune': QueueName.Maintenance,
  'scheduler.pass': QueueName.Scheduling,
  'copy.dispatch': QueueName.Dispatch,
};

export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export const QUEUE_OPTIONS: { readonly [Q in QueueName]: { concurrency: number; defaults?: JobsOptions } } = {
  [QueueName.Maintenance]: { concurrency: 1 },
  // Passes are safe in parallel (row locks), but one at a time per worker keeps them cheap; a failed pass is
  // simply the next one.
  [QueueName.Scheduling]: {
    concurrency: 1,
    defaults: { attempts: 1, removeOnComplete: { age: 3600, count: 1_000 }, removeOnFail: { age: 24 * 3600 } },
  },
  // A dispatch waits for the agent's download and upload; retries back off from 2 s to about a minute.
  [QueueName.Dispatch]: { concurrency: 20, defaults: { attempts: 6, backoff: { type: 'exponential', delay: 2_000 } } },
};

/** What a handler returns for an expected outcome; throwing means "retry". */
export type JobOutcome = { status: string; [key: string]: unknown } | void;
