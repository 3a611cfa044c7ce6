import type { JobQueue } from '@farmhand/core';

/** Tries of one usage write: backing off from 2 s, the last about 17 minutes after the first. */
export const SPOOLMAN_USE_ATTEMPTS = 10;

/**
 * Queues the write of one usage row to Spoolman. The job id names the usage (and the round, for an operator's
 * retry), so the same round is never queued twice; the handler's row lock and state make a second round harmless.
 */
export function enqueueSpoolmanUse(jobs: JobQueue, orgId: string, usageId: string, round = 'first') {
  return jobs.enqueue(
    'spoolman.use',
    { orgId, usageId },
    {
      jobId: `spoolman-use.${usageId}.${round}`,
      attempts: SPOOLMAN_USE_ATTEMPTS,
      backoff: { type: 'exponential', delay: 2_000 },
    },
  );
}
