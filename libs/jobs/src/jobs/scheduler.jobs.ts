import { Injectable } from '@nestjs/common';
import { OnJob, type JobPayloads } from '@farmhand/core';
import { SchedulerService } from '../scheduler/scheduler.service';

@Injectable()
export class SchedulerJobs {
  constructor(private readonly scheduler: SchedulerService) {}

  /** An organization's pass (after an event), or the periodic tick over every organization (orgId null). */
  @OnJob('scheduler.pass')
  async pass(payload: JobPayloads['scheduler.pass']) {
    const result = payload.orgId ? await this.scheduler.pass(payload.orgId) : await this.scheduler.tick();
    return {
      status: 'done',
      reason: payload.reason,
      assigned: result.assigned.length,
      candidates: result.candidates,
      skippedFleets: result.skippedFleets,
    };
  }
}
