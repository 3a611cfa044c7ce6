import type { JobsOptions } from 'bullmq';

/**
 * The one place that names every queue and job, pairs each job with its payload type and its queue, and sets
 * defaults. A job without a handler stops the worker at boot (see JobHandlerRegistry).
 */
export const QueueName = {
  Maintenance: 'maintenance',
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
}
export type JobName = keyof JobPayloads;

export const JOB_QUEUE: { readonly [K in JobName]: QueueName } = {
  'audit.prune': QueueName.Maintenance,
  'sessions.prune': QueueName.Maintenance,
};

export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export const QUEUE_OPTIONS: { readonly [Q in QueueName]: { concurrency: number; defaults?: JobsOptions } } = {
  [QueueName.Maintenance]: { concurrency: 1 },
};

/** What a handler returns for an expected outcome; throwing means "retry". */
export type JobOutcome = { status: string; [key: string]: unknown } | void;
