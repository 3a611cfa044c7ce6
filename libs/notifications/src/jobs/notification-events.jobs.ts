import { Injectable } from '@nestjs/common';
import { OnJob, type JobPayloads } from '@farmhand/core';
import { NotificationFacts } from '../notification-facts';
import { NotificationFanout } from '../notification-fanout';

/** Events that come from time passing rather than from a domain event: a plate left waiting. */
@Injectable()
export class NotificationEventsJobs {
  constructor(
    private readonly facts: NotificationFacts,
    private readonly fanout: NotificationFanout,
  ) {}

  /** Sent only when the same plate (the copy, the same end of print) still waits to be cleared. */
  @OnJob('notification.bedWaiting')
  async bedWaiting(payload: JobPayloads['notification.bedWaiting']) {
    const copy = await this.facts.copy(payload.orgId, payload.copyId);
    const state = await this.facts.copyState(payload.orgId, payload.copyId);
    if (!copy || state !== 'awaiting_bed_clear' || copy.finishedAt !== payload.finishedAt) return { status: 'cleared' };
    await this.fanout.publish(payload.orgId, 'bed.waiting', () =>
      Promise.resolve({ ...copy, state, waitingMinutes: payload.waitingMinutes }),
    );
    return { status: 'published' };
  }
}
