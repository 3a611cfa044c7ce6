import { Injectable } from '@nestjs/common';
import { FileDirectory, type FileFacts } from '@farmhand/files';
import { DataSource, type EntityManager } from 'typeorm';
import { ACTIVE_COPY_STATES, RUNNING_COPY_STATES, type CopyState } from './copy-state';
import { PrintAttempt } from './entities/print-attempt.entity';
import { PrintCopy } from './entities/print-copy.entity';
import { PrintJob } from './entities/print-job.entity';
import { PrinterBed } from './entities/printer-bed.entity';

export type CopyChanges = Partial<
  Pick<
    PrintCopy,
    | 'state'
    | 'printerId'
    | 'lost'
    | 'queuedAt'
    | 'startedAt'
    | 'finishedAt'
    | 'clearedAt'
    | 'outcome'
    | 'failureReason'
    | 'failureDetail'
  >
>;
export type AttemptChanges = Partial<
  Pick<PrintAttempt, 'state' | 'startedAt' | 'endedAt' | 'outcome' | 'failureReason' | 'filamentMm' | 'filamentGrams'>
>;

/** A job's file as a print's end needs it: its filament and how long a whole print takes. */
export interface FilamentFacts {
  mm: number | null;
  grams: number | null;
  estimatedSeconds: number | null;
  material: string | null;
}

@Injectable()
export class CopiesRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly files: FileDirectory,
  ) {}

  find(orgId: string, copyId: string, manager: EntityManager = this.dataSource.manager): Promise<PrintCopy | null> {
    return manager.getRepository(PrintCopy).findOneBy({ orgId, id: copyId });
  }

  /** Locks the copy's row for the rest of the transaction: every transition reads, checks, then writes under it. */
  lock(manager: EntityManager, orgId: string, copyId: string): Promise<PrintCopy | null> {
    return manager
      .getRepository(PrintCopy)
      .createQueryBuilder('copy')
      .setLock('pessimistic_write')
      .where('copy.id = :copyId AND copy.orgId = :orgId', { copyId, orgId })
      .getOne();
  }

  /** The copy a printer holds in one of `states` (at most one: the unique partial index). */
  lockOnPrinter(
    manager: EntityManager,
    printerId: string,
    states: readonly CopyState[] = ACTIVE_COPY_STATES,
  ): Promise<PrintCopy | null> {
    return manager
      .getRepository(PrintCopy)
      .createQueryBuilder('copy')
      .setLock('pessimistic_write')
      .where('copy.printerId = :printerId AND copy.state IN (:...states)', { printerId, states })
      .getOne();
  }

  listForJob(orgId: string, jobId: string): Promise<PrintCopy[]> {
    return this.dataSource.getRepository(PrintCopy).find({ where: { orgId, jobId }, order: { number: 'ASC' } });
  }

  async update(manager: EntityManager, copyId: string, changes: CopyChanges): Promise<void> {
    await manager.getRepository(PrintCopy).update({ id: copyId }, changes);
  }

  async updateAttempt(manager: EntityManager, copyId: string, attempt: number, changes: AttemptChanges): Promise<void> {
    if (attempt < 1) return;
    await manager.getRepository(PrintAttempt).update({ copyId, attempt }, changes);
  }

  /** Marks every uploading or printing copy of the printer as lost; returns their ids. */
  async markLostOnPrinter(manager: EntityManager, printerId: string): Promise<string[]> {
    // An UPDATE answers [rows, count] through TypeORM's query().
    const [rows]: [{ id: string }[], number] = await manager.query(
      `UPDATE print_copies SET lost = true, updated_at = now()
        WHERE printer_id = $1 AND state IN ('uploading', 'printing') AND NOT lost RETURNING id`,
      [printerId],
    );
    return rows.map((row) => row.id);
  }

  /** The running copies (assigned, uploading, printing) of a job, locked. */
  lockRunningOfJob(manager: EntityManager, orgId: string, jobId: string): Promise<PrintCopy[]> {
    return manager
      .getRepository(PrintCopy)
      .createQueryBuilder('copy')
      .setLock('pessimistic_write')
      .where('copy.orgId = :orgId AND copy.jobId = :jobId AND copy.state IN (:...states)', {
        orgId,
        jobId,
        states: RUNNING_COPY_STATES,
      })
      .orderBy('copy.number')
      .getMany();
  }

  /** Cancels every queued copy of a job at once; returns their ids. */
  async cancelQueuedOfJob(manager: EntityManager, jobId: string, reason = 'job_cancelled'): Promise<string[]> {
    const [rows]: [{ id: string }[], number] = await manager.query(
      `UPDATE print_copies SET state = 'cancelled', failure_reason = $2, updated_at = now()
        WHERE job_id = $1 AND state = 'queued' RETURNING id`,
      [jobId, reason],
    );
    return rows.map((row) => row.id);
  }

  /** Every copy of a job, locked, in copy order (what a job deletion checks and changes). */
  lockAllOfJob(manager: EntityManager, orgId: string, jobId: string): Promise<PrintCopy[]> {
    return manager
      .getRepository(PrintCopy)
      .createQueryBuilder('copy')
      .setLock('pessimistic_write')
      .where('copy.jobId = :jobId AND copy.orgId = :orgId', { jobId, orgId })
      .orderBy('copy.number', 'ASC')
      .getMany();
  }

  /** Whether the copy's job left the queue for good (cancelled or deleted): its copies are not requeued. */
  async jobClosed(manager: EntityManager, jobId: string): Promise<'cancelled' | 'deleted' | null> {
    const rows: { cancelled: boolean; deleted: boolean }[] = await manager.query(
      `SELECT cancelled_at IS NOT NULL AS cancelled, deleted_at IS NOT NULL AS deleted FROM print_jobs WHERE id = $1`,
      [jobId],
    );
    if (rows[0]?.deleted) return 'deleted';
    return rows[0]?.cancelled ? 'cancelled' : null;
  }

  lockBed(manager: EntityManager, printerId: string): Promise<PrinterBed | null> {
    return manager
      .getRepository(PrinterBed)
      .createQueryBuilder('bed')
      .setLock('pessimistic_write')
      .where('bed.printerId = :printerId', { printerId })
      .getOne();
  }

  findBeds(printerIds: string[]): Promise<PrinterBed[]> {
    if (!printerIds.length) return Promise.resolve([]);
    return this.dataSource
      .getRepository(PrinterBed)
      .createQueryBuilder('bed')
      .where('bed.printerId = ANY(:printerIds)', { printerIds })
      .getMany();
  }

  async setBed(
    manager: EntityManager,
    bed: { orgId: string; printerId: string; clear: boolean; copyId: string | null; reason: string | null },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO printer_beds (printer_id, org_id, clear, copy_id, reason, updated_at)
       VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (printer_id) DO UPDATE
         SET clear = EXCLUDED.clear, copy_id = EXCLUDED.copy_id, reason = EXCLUDED.reason, updated_at = now()`,
      [bed.printerId, bed.orgId, bed.clear, bed.copyId, bed.reason],
    );
  }

  /** Active copies (with their job's name) of the given printers, for readiness views. */
  async activeOnPrinters(printerIds: string[]): Promise<PrintCopy[]> {
    if (!printerIds.length) return [];
    return this.dataSource
      .getRepository(PrintCopy)
      .createQueryBuilder('copy')
      .where('copy.printerId = ANY(:printerIds) AND copy.state IN (:...states)', {
        printerIds,
        states: ACTIVE_COPY_STATES,
      })
      .getMany();
  }

  /** What the job's file says the print uses (for the history of finished prints). */
  async filamentOf(manager: EntityManager, jobId: string): Promise<FilamentFacts> {
    const metadata = (await this.fileOfJobFacts(manager, jobId))?.metadata;
    const number = (value: unknown) => (value == null ? null : Number(value));
    return {
      mm: number(metadata?.filamentLengthMm),
      grams: number(metadata?.filamentWeightGrams),
      estimatedSeconds: number(metadata?.estimatedTimeSeconds),
      material: metadata?.material ?? null,
    };
  }

  async fileOfJob(manager: EntityManager, jobId: string): Promise<{ sha256: string; name: string } | null> {
    const file = await this.fileOfJobFacts(manager, jobId);
    return file ? { sha256: file.sha256, name: file.name } : null;
  }

  private async fileOfJobFacts(manager: EntityManager, jobId: string): Promise<FileFacts | null> {
    const job = await manager
      .getRepository(PrintJob)
      .findOne({ where: { id: jobId }, select: { id: true, fileId: true } });
    return job ? this.files.facts(manager, job.fileId) : null;
  }
}
