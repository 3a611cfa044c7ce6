import { Injectable } from '@nestjs/common';
import { OnJob, type JobPayloads } from '@farmhand/core';

/**
 * Stands in for the Web Push sender, which is built beside the push subscriptions in another change: the worker
 * refuses to start with a job that has no handler. Delete this file when that handler lands.
 */
@Injectable()
export class PushPlaceholderJobs {
  @OnJob('notification.push')
  push(payload: JobPayloads['notification.push']) {
    return { status: 'push_not_available', event: payload.event };
  }
}
