import { Injectable } from '@nestjs/common';
import { GCODE_FILES_TABLE } from '@farmhand/files';
import { PRINTERS_TABLE } from '@farmhand/printers';
import type { EntityManager } from 'typeorm';
import { ACTIVE_COPY_STATES } from '../copy-state';
import { plateFilaments, type PlateFilamentNeed } from './ams-matching';
import type { QueuedJob, ReadyPrinter } from './matching';
import { PIN_FAILURE_REASONS, type PinFailureReason } from './pinning';

/** Advisory lock namespace of the scheduler: one pass at a time per fleet, the others skip that fleet. */
const FLEET_LOCK_NAMESPACE = 0x7363; // 'sc'
const ACTIVE = `('${ACTIVE_COPY_STATES.join("', '")}')`;

export interface AssignedCopy {
  copyId: string;
  orgId: string;
  jobId: string;
  printerId: string;
  attempt: number;
}

interface PrinterRow {
  id: string;
  org_id: string;
  fleet_id: string;
  material: string | null;
  nozzle_diameter: number | null;
  build_x: number | null;
  build_y: number | null;
  build_z: number | null;
  tags: string[];
  model: string;
  upload_formats: string[] | null;
}

interface JobRow {
  id: string;
  queued: number;
  material: string | null;
  file_material: string | null;
  nozzle_diameter: number | null;
  min_build_x: number | null;
  min_build_y: number | null;
  min_build_z: number | null;
  fleet_ids: string[];
  required_tags: string[];
  file_format: string;
  any_printer_kind: boolean;
  printer_model: string | null;
  filament_grams: number | null;
  file_color_hex: string | null;
  pinned_printer_id: string | null;
  plates: { index: number; sliced?: boolean; filaments?: PlateFilamentNeed[] }[] | null;
  plate: number | null;
  ams_mapping: number[] | null;
}

const toPrinter = (row: PrinterRow): ReadyPrinter => ({
  id: row.id,
  orgId: row.org_id,
  fleetId: row.fleet_id,
  material: row.material,
  nozzleDiameter: row.nozzle_diameter,
  buildX: row.build_x,
  buildY: row.build_y,
  buildZ: row.build_z,
  tags: row.tags,
  model: row.model,
  uploadFormats: row.upload_formats,
  spools: [],
});

const toJob = (row: JobRow): QueuedJob => ({
  id: row.id,
  queued: row.queued,
  material: row.material,
  fileMaterial: row.file_material,
  nozzleDiameter: row.nozzle_diameter,
  minBuildX: row.min_build_x,
  minBuildY: row.min_build_y,
  minBuildZ: row.min_build_z,
  fleetIds: row.fleet_ids,
  requiredTags: row.required_tags,
  fileFormat: row.file_format,
  anyPrinterKind: row.any_printer_kind,
  printerModel: row.printer_model,
  filamentGrams: row.filament_grams,
  fileColorHex: row.file_color_hex,
  pinnedPrinterId: row.pinned_printer_id,
  filaments: row.file_format === '3mf' ? plateFilaments(row.plates, row.plate) : [],
  amsMapping: row.ams_mapping,
});

/**
 * The scheduler's SQL. Each statement is set-based (one round trip whatever the number of printers or copies) and
 * takes the caller's EntityManager, so a pass is one transaction.
 */
@Injectable()
export class SchedulerRepository {
  /**
   * Printers that could start a print now as far as Postgres knows: operational, no active copy, bed clear.
   * With `lock`, the rows are locked (FOR NO KEY UPDATE: foreign keys to them stay usable) and rows another
   * pass holds are skipped.
   */
  async readyPrinters(
    manager: EntityManager,
    filter: { orgId?: string | null; printerIds?: string[]; fleetIds?: string[]; lock?: boolean },
  ): Promise<ReadyPrinter[]> {
    const rows: PrinterRow[] = await manager.query(
      `SELECT p.id, p.org_id, p.fleet_id, p.material, p.nozzle_diameter, p.build_x, p.build_y, p.build_z, p.tags,
              p.model, p.upload_formats
         FROM ${PRINTERS_TABLE.name} p
         LEFT JOIN printer_beds b ON b.printer_id = p.id
        WHERE p.state = 'operational'
          AND ($1::uuid IS NULL OR p.org_id = $1)
          AND ($2::uuid[] IS NULL OR p.id = ANY($2))
          AND ($3::uuid[] IS NULL OR p.fleet_id = ANY($3))
          AND COALESCE(b.clear, true)
          AND NOT EXISTS (SELECT 1 FROM print_copies c WHERE c.printer_id = p.id AND c.state IN ${ACTIVE})
        ORDER BY p.id
        ${filter.lock ? 'FOR NO KEY UPDATE OF p SKIP LOCKED' : ''}`,
      [filter.orgId ?? null, filter.printerIds ?? null, filter.fleetIds ?? null],
    );
    return rows.map(toPrinter);
  }

  /** Takes the scheduler lock of each fleet it can, now, without waiting; returns those it holds. */
  async tryLockFleets(manager: EntityManager, fleetIds: string[]): Promise<string[]> {
    if (!fleetIds.length) return [];
    const rows: { id: string }[] = await manager.query(
      `SELECT f.id FROM unnest($2::uuid[]) AS f(id) WHERE pg_try_advisory_xact_lock($1, hashtext(f.id::text))`,
      [FLEET_LOCK_NAMESPACE, fleetIds],
    );
    return rows.map((row) => row.id);
  }

  /**
   * The stagger's count per fleet: prints that actually started in the last `windowSeconds`, plus assignments still
   * on their way to a printer (assigned or uploading: each is a start to come, however long ago it was assigned).
   * Counting assignments alone would let a slow upload's start land in the next window beside new ones.
   */
  async recentStarts(manager: EntityManager, fleetIds: string[], windowSeconds: number): Promise<Map<string, number>> {
    const rows: { fleet_id: string; starts: number }[] = await manager.query(
      `SELECT fleet_id, count(*)::int AS starts FROM (
         SELECT a.fleet_id FROM print_attempts a
          WHERE a.fleet_id = ANY($1) AND a.started_at > now() - make_interval(secs => $2)
         UNION ALL
         SELECT a.fleet_id FROM print_copies c
           JOIN print_attempts a ON a.copy_id = c.id AND a.attempt = c.attempt
          WHERE c.state IN ('assigned', 'uploading') AND a.fleet_id = ANY($1)
       ) AS starts
       GROUP BY fleet_id`,
      [fleetIds, windowSeconds],
    );
    return new Map(rows.map((row) => [row.fleet_id, row.starts]));
  }

  /**
   * Jobs of the organization with queued copies that may start now (not held, not cancelled, start time reached,
   * fleets overlapping `fleetIds`), highest priority first, then lowest position, with their queued counts.
   */
  async queuedJobs(manager: EntityManager, orgId: string, fleetIds: string[]): Promise<QueuedJob[]> {
    const rows: JobRow[] = await manager.query(
      `SELECT j.id, q.queued, j.material, f.metadata->>'material' AS file_material, j.nozzle_diameter,
              j.min_build_x, j.min_build_y, j.min_build_z, j.fleet_ids, j.required_tags,
              j.file_format, j.any_printer_kind, j.printer_model,
              CASE WHEN jsonb_typeof(f.metadata->'filamentWeightGrams') = 'number'
                   THEN (f.metadata->>'filamentWeightGrams')::float8 END AS filament_grams,
              f.metadata->>'colorHex' AS file_color_hex,
              CASE WHEN jsonb_typeof(f.metadata->'plates') = 'array' THEN f.metadata->'plates' END AS plates,
              j.plate, j.ams_mapping, j.pinned_printer_id
         FROM (SELECT job_id, count(*)::int AS queued FROM print_copies
                WHERE org_id = $1 AND state = 'queued' GROUP BY job_id) q
         JOIN print_jobs j ON j.id = q.job_id
         JOIN ${GCODE_FILES_TABLE.name} f ON f.id = j.file_id
        WHERE NOT j.held AND j.cancelled_at IS NULL AND j.deleted_at IS NULL
          AND (j.earliest_start_at IS NULL OR j.earliest_start_at <= now())
          AND (cardinality(j.fleet_ids) = 0 OR j.fleet_ids && $2::uuid[])
        ORDER BY j.priority DESC, j.position ASC, j.id ASC`,
      [orgId, fleetIds],
    );
    return rows.map(toJob);
  }

  /**
   * Cancels the queued copies of pinned jobs whose printer can never take them: deleted, or moved out of the job's
   * fleets (a fleet-limited requester's pin names their fleet). The reason is left on the copy for the queue to show.
   */
  async cancelStrandedPins(
    manager: EntityManager,
    orgId: string | null,
  ): Promise<{ copyId: string; orgId: string; jobId: string; reason: PinFailureReason }[]> {
    const [rows]: [{ id: string; org_id: string; job_id: string; failure_reason: PinFailureReason }[], number] =
      await manager.query(
        `UPDATE print_copies c
            SET state = 'cancelled', updated_at = now(),
                failure_reason = CASE WHEN p.id IS NULL THEN 'pinned_printer_removed' ELSE 'pinned_printer_moved' END,
                failure_detail = CASE WHEN p.id IS NULL THEN $2 ELSE $3 END
           FROM print_jobs j
           LEFT JOIN ${PRINTERS_TABLE.name} p ON p.id = j.pinned_printer_id AND p.org_id = j.org_id
          WHERE c.job_id = j.id AND c.state = 'queued' AND j.pinned_printer_id IS NOT NULL
            AND ($1::uuid IS NULL OR j.org_id = $1)
            AND (p.id IS NULL OR (cardinality(j.fleet_ids) > 0 AND NOT p.fleet_id = ANY(j.fleet_ids)))
        RETURNING c.id, c.org_id, c.job_id, c.failure_reason`,
        [orgId, PIN_FAILURE_REASONS.pinned_printer_removed, PIN_FAILURE_REASONS.pinned_printer_moved],
      );
    return rows.map((row) => ({ copyId: row.id, orgId: row.org_id, jobId: row.job_id, reason: row.failure_reason }));
  }

  /**
   * Locks up to `count` queued copies of each job, lowest copy number first, skipping copies another pass holds.
   * Returns copy ids grouped by job, in copy order.
   */
  async lockQueuedCopies(manager: EntityManager, wanted: Map<string, number>): Promise<Map<string, string[]>> {
    const rows: { id: string; job_id: string }[] = await manager.query(
      `SELECT c.id, c.job_id
         FROM unnest($1::uuid[], $2::int[]) AS w(job_id, n)
         CROSS JOIN LATERAL (
           SELECT id, job_id, number FROM print_copies
            WHERE job_id = w.job_id AND state = 'queued'
            ORDER BY number LIMIT w.n
            FOR UPDATE SKIP LOCKED) c
        ORDER BY c.job_id, c.number`,
      [[...wanted.keys()], [...wanted.values()]],
    );
    const byJob = new Map<string, string[]>();
    for (const row of rows) byJob.set(row.job_id, [...(byJob.get(row.job_id) ?? []), row.id]);
    return byJob;
  }

  /** Moves locked queued copies to `assigned` on their printers and opens an attempt (history) for each. */
  async assign(
    manager: EntityManager,
    assignments: { copyId: string; printerId: string; fleetId: string }[],
  ): Promise<AssignedCopy[]> {
    if (!assignments.length) return [];
    const rows: { copy_id: string; org_id: string; job_id: string; printer_id: string; attempt: number }[] =
      await manager.query(
        `WITH wanted AS (
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS a(copy_id, printer_id, fleet_id)
         ), moved AS (
           UPDATE print_copies c
              SET state = 'assigned', printer_id = a.printer_id, attempt = c.attempt + 1, assigned_at = now(),
                  started_at = NULL, finished_at = NULL, cleared_at = NULL, outcome = NULL, lost = false,
                  failure_reason = NULL, failure_detail = NULL, updated_at = now()
             FROM wanted a
            WHERE c.id = a.copy_id AND c.state = 'queued'
           RETURNING c.id, c.org_id, c.job_id, c.printer_id, c.attempt, a.fleet_id
         )
         INSERT INTO print_attempts (org_id, copy_id, job_id, printer_id, fleet_id, attempt, state, assigned_at)
         SELECT org_id, id, job_id, printer_id, fleet_id, attempt, 'assigned', now() FROM moved
         RETURNING copy_id, org_id, job_id, printer_id, attempt`,
        [
          assignments.map((assignment) => assignment.copyId),
          assignments.map((assignment) => assignment.printerId),
          assignments.map((assignment) => assignment.fleetId),
        ],
      );
    return rows.map((row) => ({
      copyId: row.copy_id,
      orgId: row.org_id,
      jobId: row.job_id,
      printerId: row.printer_id,
      attempt: row.attempt,
    }));
  }

  /** Copies assigned longer ago than `olderThanSeconds` whose dispatch never started (a lost enqueue). */
  async staleAssignments(manager: EntityManager, olderThanSeconds: number, limit = 500): Promise<AssignedCopy[]> {
    const rows: { id: string; org_id: string; job_id: string; printer_id: string; attempt: number }[] =
      await manager.query(
        `SELECT id, org_id, job_id, printer_id, attempt FROM print_copies
          WHERE state = 'assigned' AND printer_id IS NOT NULL AND assigned_at < now() - make_interval(secs => $1)
          ORDER BY assigned_at LIMIT $2`,
        [olderThanSeconds, limit],
      );
    return rows.map((row) => ({
      copyId: row.id,
      orgId: row.org_id,
      jobId: row.job_id,
      printerId: row.printer_id,
      attempt: row.attempt,
    }));
  }
}
