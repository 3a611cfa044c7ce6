import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { DomainEventMap } from '@farmhand/core';
import { DashboardPublisher, type DashboardOrgEvent } from '@farmhand/dashboard';

type QueueEvent = Extract<DashboardOrgEvent, { kind: 'queue' }>;

/**
 * Tells browsers that the queue changed, from whichever process changed it (the api for operators' actions and
 * agents' print events, the worker for scheduler assignments and dispatch outcomes). Job events carry the change
 * as `state` (`created`, `updated`, `held`, `released`, `reordered`, `cancelled`, `deleted`) and no copy; copy
 * events carry the copy's new state; a cleared bed carries `bed_cleared` and the copy that was on it.
 */
@Injectable()
export class QueueLiveListener {
  constructor(private readonly publisher: DashboardPublisher) {}

  @OnEvent('printJob.created')
  onJobCreated(event: DomainEventMap['printJob.created']): void {
    this.publish(event.orgId, { jobId: event.jobId, copyId: null, printerId: null, state: 'created' });
  }

  @OnEvent('printJob.updated')
  onJobUpdated(event: DomainEventMap['printJob.updated']): void {
    this.publish(event.orgId, { jobId: event.jobId, copyId: null, printerId: null, state: event.change });
  }

  @OnEvent('printJob.cancelled')
  onJobCancelled(event: DomainEventMap['printJob.cancelled']): void {
    this.publish(event.orgId, { jobId: event.jobId, copyId: null, printerId: null, state: 'cancelled' });
  }

  @OnEvent('printJob.deleted')
  onJobDeleted(event: DomainEventMap['printJob.deleted']): void {
    this.publish(event.orgId, { jobId: event.jobId, copyId: null, printerId: null, state: 'deleted' });
  }

  @OnEvent('printCopy.stateChanged')
  onCopyMoved(event: DomainEventMap['printCopy.stateChanged']): void {
    this.publish(event.orgId, {
      jobId: event.jobId,
      copyId: event.copyId,
      printerId: event.printerId,
      state: event.to,
    });
  }

  @OnEvent('printCopy.requeued')
  onCopyRequeued(event: DomainEventMap['printCopy.requeued']): void {
    this.publish(event.orgId, { jobId: event.jobId, copyId: event.copyId, printerId: null, state: 'queued' });
  }

  /** A plate cleared after a print of the queue; a plate left by a print started outside Farmhand has no job. */
  @OnEvent('printerBed.cleared')
  onBedCleared(event: DomainEventMap['printerBed.cleared']): void {
    if (!event.jobId) return;
    this.publish(event.orgId, {
      jobId: event.jobId,
      copyId: event.copyId ?? null,
      printerId: event.printerId,
      state: 'bed_cleared',
    });
  }

  private publish(orgId: string, fields: Omit<QueueEvent, 'kind' | 'at'>): void {
    this.publisher.publishOrgEvent(orgId, { kind: 'queue', ...fields, at: new Date().toISOString() });
  }
}
