import { Injectable } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import { ForbiddenError, actorOf, defineAbilityFor, subject, type Principal } from '@farmhand/authz';
import { DomainException, JobQueue } from '@farmhand/core';
import { DashboardPublisher } from '@farmhand/dashboard';
import { PrintersService } from '@farmhand/printers';
import { DatasetRepository } from '../dataset/dataset.repository';
import { FRAME_LABELS, type DetectorStateRow, type FrameLabel } from '../entities/detector.entity';
import { FramesRepository } from '../frames/frames.repository';
import { DETECTOR_HEADS_LISTED, DETECTOR_MINIMUM_LABELS, DETECTOR_TRAINING_STALE_MS } from './detector.constants';
import { DetectorRepository } from './detector.repository';
import { toHeadView, type DetectorHeadView, type DetectorView, type FrameLabelView } from './detector.views';

/**
 * The organization's own detector: people's labels on frames, trainings (run by the inference role, `detector.train`),
 * and which head scores the organization's frames. Activations and rollbacks are audited.
 */
@Injectable()
export class DetectorService {
  constructor(
    private readonly detector: DetectorRepository,
    private readonly dataset: DatasetRepository,
    private readonly frames: FramesRepository,
    private readonly printers: PrintersService,
    private readonly audit: AuditService,
    private readonly queue: JobQueue,
    private readonly dashboard: DashboardPublisher,
  ) {}

  /** A person's label on one frame of one printer (all null when nobody labelled it): shown beside the frame. */
  async labelOf(principal: Principal, orgId: string, printerId: string, frameId: string): Promise<FrameLabelView> {
    const ability = defineAbilityFor(principal);
    const frame = await this.frames.findInOrg(orgId, frameId);
    // Same reach as the frame itself: another printer's frame, or a printer the caller may not read, is not found.
    const printer =
      frame && frame.printerId === printerId
        ? await this.printers.get(ability, orgId, printerId).catch(() => null)
        : null;
    if (!frame || !printer) throw DomainException.notFound('frame_not_found', 'Frame not found');
    const row = await this.detector.transaction((manager) => this.detector.findLabel(manager, frameId));
    return row
      ? { frameId, label: row.label, labelledBy: row.labelledBy, labelledAt: row.labelledAt.toISOString() }
      : { frameId, label: null, labelledBy: null, labelledAt: null };
  }

  /** Sets (or, with null, removes) the caller's label on one frame of one printer. */
  async label(
    principal: Principal,
    orgId: string,
    printerId: string,
    frameId: string,
    label: unknown,
  ): Promise<FrameLabelView> {
    if (label !== null && !FRAME_LABELS.includes(label as FrameLabel)) {
      throw DomainException.invalid('invalid_label', 'label must be "failure", "ok" or null', 'label');
    }
    const ability = defineAbilityFor(principal);
    const frame = await this.frames.findInOrg(orgId, frameId);
    // A frame of another printer, or of a printer the caller may not read, does not exist for them.
    const printer =
      frame && frame.printerId === printerId
        ? await this.printers.get(ability, orgId, printerId).catch(() => null)
        : null;
    if (!frame || !printer) throw DomainException.notFound('frame_not_found', 'Frame not found');
    ForbiddenError.from(ability).throwUnlessCan(
      'update',
      subject('DetectionFrame', { orgId, fleetId: printer.fleetId }),
    );
    const by = actorOf(principal).label;
    const at = new Date();
    await this.detector.transaction(async (manager) => {
      const before = await this.detector.findLabel(manager, frameId);
      if (label === null) await this.detector.deleteLabel(manager, frameId);
      else {
        await this.detector.saveLabel(manager, {
          frameId,
          orgId,
          printerId,
          label: label as FrameLabel,
          labelledBy: by,
          labelledAt: at,
        });
        // A labelled frame is training data: it outlives the frame retention.
        await this.frames.keep(manager, frameId);
      }
      await this.audit.record(manager, {
        orgId,
        principal,
        action: label === null ? 'detectionFrame.unlabelled' : 'detectionFrame.labelled',
        subject: { type: 'DetectionFrame', id: frameId },
        details: { printerId, label, previous: before?.label ?? null },
      });
    });
    this.changed(orgId, undefined);
    return label === null
      ? { frameId, label: null, labelledBy: null, labelledAt: null }
      : { frameId, label: label as FrameLabel, labelledBy: by, labelledAt: at.toISOString() };
  }

  async view(orgId: string): Promise<DetectorView> {
    const [state, labelled, heads] = await Promise.all([
      this.detector.state(this.detector.manager, orgId),
      this.dataset.counts(orgId),
      this.detector.heads(orgId, DETECTOR_HEADS_LISTED),
    ]);
    return {
      activeHeadId: state?.activeHeadId ?? null,
      labelled,
      minimum: { ...DETECTOR_MINIMUM_LABELS },
      training: {
        state: state?.trainingState ?? 'idle',
        startedAt: state?.startedAt?.toISOString() ?? null,
        finishedAt: state?.finishedAt?.toISOString() ?? null,
        error: state?.error ?? null,
        progress: state?.progress ?? null,
      },
      heads: heads.map(toHeadView),
    };
  }

  /** Queues a training when there are enough labels and none is under way. */
  async train(principal: Principal, orgId: string): Promise<{ state: 'queued' }> {
    const counts = await this.dataset.counts(orgId);
    if (counts.failure < DETECTOR_MINIMUM_LABELS.failure || counts.ok < DETECTOR_MINIMUM_LABELS.ok) {
      throw DomainException.conflict(
        'not_enough_labels',
        `Training needs at least ${DETECTOR_MINIMUM_LABELS.failure} frames labelled as a failure and ` +
          `${DETECTOR_MINIMUM_LABELS.ok} labelled as fine (now ${counts.failure} and ${counts.ok})`,
      );
    }
    await this.detector.transaction(async (manager) => {
      const state = await this.detector.lockState(manager, orgId);
      if (inProgress(state)) throw DomainException.conflict('training_in_progress', 'A training is already under way');
      await this.detector.updateState(manager, orgId, {
        trainingState: 'queued',
        startedAt: new Date(),
        finishedAt: null,
        error: null,
        progress: 0,
      });
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'detector.trainingRequested',
        subject: { type: 'Detector', id: null },
        details: { failure: counts.failure, ok: counts.ok },
      });
    });
    await this.queue.enqueue('detector.train', { orgId, requestedBy: actorOf(principal).label });
    this.changed(orgId, undefined);
    return { state: 'queued' };
  }

  /** Makes a candidate head the organization's active one (it must have done at least as well as the current one). */
  async activate(principal: Principal, orgId: string, headId: string): Promise<DetectorHeadView> {
    const by = actorOf(principal).label;
    const head = await this.detector.transaction(async (manager) => {
      const state = await this.detector.lockState(manager, orgId);
      const found = await this.detector.head(manager, orgId, headId);
      if (!found) throw DomainException.notFound('head_not_found', 'Head not found');
      if (found.state === 'rejected' || (found.state === 'candidate' && !found.better)) {
        throw DomainException.conflict(
          'head_not_better',
          'This head did worse than the current one on the held-out frames; it cannot be activated',
        );
      }
      if (found.state !== 'candidate') {
        throw DomainException.conflict(
          'head_not_candidate',
          `Only a candidate head can be activated (this one is ${found.state})`,
        );
      }
      const previous = state.activeHeadId;
      if (previous) await this.detector.setHeadState(manager, previous, 'retired');
      const activatedAt = new Date();
      await this.detector.setHeadState(manager, headId, 'active', {
        activatedAt,
        activatedBy: by,
        previousHeadId: previous,
      });
      await this.detector.updateState(manager, orgId, { activeHeadId: headId });
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'detector.headActivated',
        subject: { type: 'Detector', id: headId },
        details: { version: found.version, previousHeadId: previous },
      });
      return { ...found, state: 'active' as const, activatedAt, activatedBy: by, previousHeadId: previous };
    });
    this.changed(orgId, headId);
    return toHeadView(head);
  }

  /** The head active before the current one (or the shipped default head) becomes active again. */
  async rollback(principal: Principal, orgId: string): Promise<{ activeHeadId: string | null }> {
    const by = actorOf(principal).label;
    const activeHeadId = await this.detector.transaction(async (manager) => {
      const state = await this.detector.lockState(manager, orgId);
      if (!state.activeHeadId) {
        throw DomainException.conflict('nothing_to_roll_back', 'The shipped default head is already active');
      }
      const current = await this.detector.head(manager, orgId, state.activeHeadId);
      const target = current?.previousHeadId ? await this.detector.head(manager, orgId, current.previousHeadId) : null;
      await this.detector.setHeadState(manager, state.activeHeadId, 'retired');
      if (target)
        await this.detector.setHeadState(manager, target.id, 'active', { activatedAt: new Date(), activatedBy: by });
      await this.detector.updateState(manager, orgId, { activeHeadId: target?.id ?? null });
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'detector.rolledBack',
        subject: { type: 'Detector', id: target?.id ?? null },
        details: { from: state.activeHeadId, to: target?.id ?? null },
      });
      return target?.id ?? null;
    });
    this.changed(orgId, activeHeadId);
    return { activeHeadId };
  }

  /** Tells the organization's detector pages to refetch (`undefined`: the active head did not change). */
  changed(orgId: string, activeHeadId: string | null | undefined): void {
    this.dashboard.publishOrgEvent(orgId, {
      kind: 'detector.changed',
      printerId: null,
      activeHeadId: activeHeadId ?? null,
      at: new Date().toISOString(),
    });
  }
}

function inProgress(state: DetectorStateRow): boolean {
  if (state.trainingState !== 'queued' && state.trainingState !== 'running') return false;
  return !state.startedAt || Date.now() - state.startedAt.getTime() < DETECTOR_TRAINING_STALE_MS;
}
