import { Injectable } from '@nestjs/common';
import { OnJob, type JobPayloads } from '@farmhand/core';
import { CopiesService } from '../copies.service';

/**
 * A print event the api could not apply when it arrived (see JobsListener.onPrintEvent). Applying one is
 * idempotent: a copy only moves out of the states the event expects, so a retry or a late duplicate does nothing.
 */
@Injectable()
export class PrintEventJobs {
  constructor(private readonly copies: CopiesService) {}

  @OnJob('copy.printEvent')
  async apply(payload: JobPayloads['copy.printEvent']) {
    const { correlationId: _correlationId, ...event } = payload;
    await this.copies.onPrintEvent(event);
    return { status: 'applied', type: event.type };
  }
}
