import { Injectable } from '@nestjs/common';
import { PRINT_ATTEMPTS_TABLE } from '@farmhand/jobs';
import { PRINTERS_TABLE, PrinterDirectory, type DetectionSettings } from '@farmhand/printers';
import { DataSource, type EntityManager } from 'typeorm';
import { DetectionFrame } from '../entities/detection-frame.entity';

/** What the inference role needs about a frame, reloaded from the database (never taken from the job payload). */
export interface FrameForInference {
  frame: DetectionFrame;
  printer: { id: string; orgId: string; fleetId: string; name: string; detection: Partial<DetectionSettings> };
}

/**
 * A print attempt whose bed-clear outcome a person recorded. A machine that clears its own bed (auto-eject) records
 * `good` by itself, which is no label: those are left out.
 */
export const LABELLED_ATTEMPT = `SELECT 1 FROM ${PRINT_ATTEMPTS_TABLE.name} pa JOIN ${PRINTERS_TABLE.name} lp ON lp.id = pa.printer_id
  WHERE pa.copy_id = f.copy_id AND pa.outcome $OUTCOME AND lp.auto_eject = false`;

/** Frames kept around an alert: this many before it (all frames up to ALERT_KEEP_AFTER_MS after it are kept too). */
export const ALERT_KEEP_BEFORE = 10;
export const ALERT_KEEP_AFTER_MS = 2 * 60_000;

@Injectable()
export class FramesRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly printers: PrinterDirectory,
  ) {}

  async insert(manager: EntityManager, frame: Partial<DetectionFrame>): Promise<DetectionFrame> {
    const repository = manager.getRepository(DetectionFrame);
    return repository.save(repository.create(frame));
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(DetectionFrame).delete({ id });
  }

  findInOrg(orgId: string, id: string): Promise<DetectionFrame | null> {
    return this.dataSource.getRepository(DetectionFrame).findOne({ where: { orgId, id } });
  }

  latestOfPrinter(orgId: string, printerId: string): Promise<DetectionFrame | null> {
    return this.dataSource
      .getRepository(DetectionFrame)
      .findOne({ where: { orgId, printerId }, order: { takenAt: 'DESC', receivedAt: 'DESC' } });
  }

  async forInference(frameId: string): Promise<FrameForInference | null> {
    const frame = await this.dataSource.getRepository(DetectionFrame).findOne({ where: { id: frameId } });
    if (!frame) return null;
    const printer = await this.printers.profile(frame.orgId, frame.printerId);
    if (!printer) return null;
    const { id, orgId, fleetId, name, detection } = printer;
    return { frame, printer: { id, orgId, fleetId, name, detection } };
  }

  /** Writes the score once: false when the frame was already scored (a retried job must not count it twice). */
  async recordScore(frameId: string, score: number): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `UPDATE detection_frames SET score = $2, scored_at = now(), inference_error = NULL
        WHERE id = $1 AND score IS NULL RETURNING id`,
      [frameId, score],
    )) as [unknown[], number];
    return rows[1] > 0;
  }

  async recordInferenceError(frameId: string, code: string): Promise<void> {
    await this.dataSource
      .getRepository(DetectionFrame)
      .update({ id: frameId }, { inferenceError: code.slice(0, 64), scoredAt: new Date() });
  }

  /** Whether an alert of this printer was raised within ALERT_KEEP_AFTER_MS before `at` (its frames are kept). */
  async alertRaisedShortlyBefore(printerId: string, at: Date): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT 1 FROM detection_alerts WHERE printer_id = $1 AND created_at BETWEEN $2 AND $3 LIMIT 1`,
      [printerId, new Date(at.getTime() - ALERT_KEEP_AFTER_MS), at],
    )) as unknown[];
    return rows.length > 0;
  }

  /** Keeps the alert's frame and the ALERT_KEEP_BEFORE frames of the printer before it. */
  async keepAround(manager: EntityManager, printerId: string, frameId: string): Promise<void> {
    await manager.query(
      `UPDATE detection_frames SET kept = true
        WHERE id = $2
           OR id IN (SELECT f.id FROM detection_frames f, detection_frames a
                      WHERE a.id = $2 AND f.printer_id = $1 AND f.taken_at <= a.taken_at AND f.id <> a.id
                      ORDER BY f.taken_at DESC LIMIT ${ALERT_KEEP_BEFORE})`,
      [printerId, frameId],
    );
  }

  /**
   * Up to `limit` frames older than `cutoff` that nothing keeps: not `kept`, not within ALERT_KEEP_AFTER_MS after an
   * alert of their printer, and not of a print operators labelled (an alert confirmed or marked false, or a copy whose
   * bed-clear outcome was recorded). Rows are locked and skipped by a concurrent prune.
   */
  async claimPrunable(
    manager: EntityManager,
    cutoff: Date,
    limit: number,
  ): Promise<{ id: string; storagePath: string }[]> {
    return manager.query(
      `SELECT f.id, f.storage_path AS "storagePath" FROM detection_frames f
        WHERE f.kept = false AND f.taken_at < $1
          AND NOT EXISTS (SELECT 1 FROM detection_alerts a
                           WHERE a.printer_id = f.printer_id
                             AND f.taken_at BETWEEN a.created_at AND a.created_at + interval '${ALERT_KEEP_AFTER_MS / 1000} seconds')
          AND NOT EXISTS (SELECT 1 FROM detection_alerts a
                           WHERE a.print_key = f.print_key AND a.printer_id = f.printer_id
                             AND a.state IN ('confirmed', 'false_alarm'))
          AND (f.copy_id IS NULL OR NOT EXISTS (${LABELLED_ATTEMPT.replace('$OUTCOME', 'IS NOT NULL')}))
        ORDER BY f.taken_at
        LIMIT $2
        FOR UPDATE OF f SKIP LOCKED`,
      [cutoff, limit],
    );
  }

  /** Keeps one frame past the retention (a person labelled it: it is training data). */
  async keep(manager: EntityManager, frameId: string): Promise<void> {
    await manager.query(`UPDATE detection_frames SET kept = true WHERE id = $1`, [frameId]);
  }

  async deleteMany(manager: EntityManager, ids: string[]): Promise<void> {
    if (ids.length > 0) await manager.query(`DELETE FROM detection_frames WHERE id = ANY($1)`, [ids]);
  }
}
