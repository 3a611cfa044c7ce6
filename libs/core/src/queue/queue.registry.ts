import type { JobsOptions } from 'bullmq';

/**
 * The one place that names every queue and job, pairs each job with its payload type and its queue, and sets
 * defaults. A job without a handler stops the worker at boot (see JobHandlerRegistry).
 */
export const QueueName = {
  Maintenance: 'maintenance',
  Scheduling: 'scheduling',
  Dispatch: 'dispatch',
  Notifications: 'notifications',
  Inference: 'inference',
  /** Training an organization's detector head: consumed by the inference role (it holds the model), one at a time. */
  Training: 'training',
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
  /**
   * An agent's print event whose effect on the queue could not be written when it arrived (database down): handled
   * again by the worker until it lands, so a print that ended during an outage does not stay `printing` for ever.
   */
  'copy.printEvent': JobEnvelope & {
    orgId: string;
    printerId: string;
    eventId: string;
    type: 'started' | 'done' | 'failed' | 'cancelled' | 'paused' | 'resumed';
    job?: { fileName?: string; sha256?: string; copyId?: string };
    at: number;
    reason?: string | null;
  };
  /** POSTs one webhook delivery row (reloaded: the payload only names it) to its webhook. */
  'webhook.deliver': JobEnvelope & { orgId: string; deliveryId: string };
  /**
   * Edits chat-ops' deferred answer to a Discord interaction with its outcome. The interaction token (valid 15 min)
   * travels encrypted with the integration's chat cipher; `content` is the answer's text.
   */
  'chatops.discord.answer': JobEnvelope & {
    orgId: string;
    integrationId: string;
    applicationId: string;
    tokenCiphertext: string;
    content: string;
    buttons: { id: string; label: string; danger?: boolean }[];
  };
  /** Periodic: re-enqueues deliveries whose enqueue was lost, prunes the delivery log past retention. */
  'webhook.maintain': JobEnvelope & { retentionDays: number };
  /**
   * One event for one member's personal channels (email, push): the worker reloads the membership, clamps to what
   * the member may read now, then sends, holds for quiet hours, or files it for the digest.
   */
  'notification.personal': JobEnvelope & {
    orgId: string;
    userId: string;
    event: string;
    data: Record<string, unknown>;
  };
  /** Delayed by the organization's bed-waiting time from a print's end: `bed.waiting` if that plate still waits. */
  'notification.bedWaiting': JobEnvelope & {
    orgId: string;
    copyId: string;
    finishedAt: string | null;
    waitingMinutes: number;
  };
  /** Periodic: sends personal notifications whose quiet hours ended, and the digests whose hour came. */
  'notification.release': JobEnvelope;
  /** One browser push to every subscription of a member (the push handler lives with the Web Push subscriptions). */
  'notification.push': JobEnvelope & {
    orgId: string;
    userId: string;
    event: string;
    title: string;
    body: string;
    url: string;
    frameUrl?: string;
  };
  /** Sends one push message to one subscription (reloaded by id); retried with the notifications queue's backoff. */
  'push.deliver': JobEnvelope & {
    orgId: string;
    subscriptionId: string;
    event: string;
    title: string;
    body: string;
    url: string;
    frameUrl?: string;
  };
  /** Scores one stored webcam frame (reloaded by id: the payload only names it) in the inference role. */
  'frame.infer': JobEnvelope & { orgId: string; frameId: string; printerId: string };
  /**
   * Trains a candidate detector head for one organization on its labelled frames (inference role). The training's
   * state lives in detector_states; `requestedBy` names who asked (for the head's record, not for authorization).
   */
  'detector.train': JobEnvelope & { orgId: string; requestedBy: string };
  /** Deletes stored webcam frames (row and file) older than the retention, except those kept for review. */
  'frames.prune': JobEnvelope & { olderThanDays: number };
  /** Deletes upload staging files (left by interrupted uploads) untouched for `olderThanMinutes`. */
  'files.staging.prune': JobEnvelope & { olderThanMinutes: number };
  /**
   * Rebuilds report rollups (libs/reports): one organization's days [from, to) (UTC `YYYY-MM-DD`; a print's end),
   * or with orgId null the last `recentDays` of every organization with recent prints (the periodic pass).
   */
  'reports.refresh': JobEnvelope & { from?: string; to?: string; recentDays?: number };
  /** Periodic: sends `maintenance.due` for each (task, printer) that became due or overdue (once per interval and level). */
  'maintenance.dueSweep': JobEnvelope;
  /** Writes one print attempt's filament usage (a spool_usages row, reloaded by id) to the org's Spoolman. */
  'spoolman.use': JobEnvelope & { orgId: string; usageId: string };
}
export type JobName = keyof JobPayloads;

export const JOB_QUEUE: { readonly [K in JobName]: QueueName } = {
  'audit.prune': QueueName.Maintenance,
  'sessions.prune': QueueName.Maintenance,
  'scheduler.pass': QueueName.Scheduling,
  'copy.dispatch': QueueName.Dispatch,
  'copy.printEvent': QueueName.Dispatch,
  'webhook.deliver': QueueName.Notifications,
  'webhook.maintain': QueueName.Notifications,
  'notification.personal': QueueName.Notifications,
  'notification.release': QueueName.Notifications,
  'notification.bedWaiting': QueueName.Notifications,
  'notification.push': QueueName.Notifications,
  'push.deliver': QueueName.Notifications,
  'chatops.discord.answer': QueueName.Notifications,
  'frame.infer': QueueName.Inference,
  'detector.train': QueueName.Training,
  'frames.prune': QueueName.Maintenance,
  'files.staging.prune': QueueName.Maintenance,
  'reports.refresh': QueueName.Maintenance,
  'maintenance.dueSweep': QueueName.Maintenance,
  // Outbound HTTP like webhook deliveries; its own attempts and backoff (spoolman-use.enqueue.ts).
  'spoolman.use': QueueName.Notifications,
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
  // Webhook deliveries: 8 tries backing off from 10 s (the last about 21 minutes after the first).
  [QueueName.Notifications]: {
    concurrency: 20,
    defaults: { attempts: 8, backoff: { type: 'exponential', delay: 10_000 } },
  },
  // Frames wait in the inference role's micro-batcher, so a worker holds at least a full batch (B <= 64) at once.
  // A frame is worth little once stale: two short tries, and the job log is kept briefly.
  [QueueName.Inference]: {
    concurrency: 128,
    defaults: {
      attempts: 2,
      backoff: { type: 'fixed', delay: 1_000 },
      removeOnComplete: { age: 3600, count: 1_000 },
      removeOnFail: { age: 24 * 3600 },
    },
  },
  // One training at a time per inference process, never retried by BullMQ: a failure is recorded and shown, and the
  // person trains again (a crash mid-way leaves no half-written head: the head is written in one transaction).
  [QueueName.Training]: {
    concurrency: 1,
    defaults: { attempts: 1, removeOnComplete: { age: 24 * 3600, count: 1_000 }, removeOnFail: { age: 7 * 24 * 3600 } },
  },
};

/** What a handler returns for an expected outcome; throwing means "retry". */
export type JobOutcome = { status: string; [key: string]: unknown } | void;
