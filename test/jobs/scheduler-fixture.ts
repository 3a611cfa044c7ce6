import { randomUUID } from 'node:crypto';
import type { AuditService } from '@farmhand/audit';
import { createLogger, loadConfig, type DomainEvents, type JobQueue } from '@farmhand/core';
import { SchedulerRepository, SchedulerService, type PrinterLink } from '@farmhand/jobs';
import type { MaintenanceDirectory } from '@farmhand/maintenance';
import { SpoolDirectory } from '@farmhand/spools';
import type { DataSource } from 'typeorm';

export interface PrinterSpec {
  fleetId: string;
  material?: string | null;
  nozzle?: number | null;
  build?: [number, number, number] | null;
  tags?: string[];
  state?: string;
  autoEject?: boolean;
}

export interface JobSpec {
  copies: number;
  priority?: number;
  position?: number;
  material?: string | null;
  nozzle?: number | null;
  minBuild?: [number | null, number | null, number | null];
  fleetIds?: string[];
  requiredTags?: string[];
  held?: boolean;
  earliestStartAt?: Date | null;
}

/**
 * Rows for scheduler tests and the benchmark, written with set-based SQL (10,000 copies in one statement), without
 * the API: an organization, fleets, printers with capabilities, one file, jobs with queued copies.
 */
export class SchedulerFixture {
  readonly orgId = randomUUID();
  fileId = '';

  constructor(private readonly dataSource: DataSource) {}

  async createOrganization(fleetCount: number): Promise<string[]> {
    await this.dataSource.query(`INSERT INTO organizations (id, name) VALUES ($1, $2)`, [
      this.orgId,
      `Farm ${this.orgId.slice(0, 8)}`,
    ]);
    const fleets: { id: string }[] = await this.dataSource.query(
      `INSERT INTO fleets (org_id, name) SELECT $1, 'fleet ' || n FROM generate_series(1, $2) AS n RETURNING id`,
      [this.orgId, fleetCount],
    );
    this.fileId = randomUUID();
    await this.dataSource.query(
      `INSERT INTO gcode_files (id, org_id, name, sha256, size_bytes, metadata)
       VALUES ($1, $2, 'part.gcode', $3, 1000, '{"material": "PLA", "filamentLengthMm": 1000, "filamentWeightGrams": 3}')`,
      [this.fileId, this.orgId, `${randomUUID()}${randomUUID()}`.replace(/-/g, '')],
    );
    return fleets.map((fleet) => fleet.id);
  }

  async addPrinters(specs: PrinterSpec[]): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO printers (org_id, fleet_id, name, material, nozzle_diameter, build_x, build_y, build_z, tags, state,
                             auto_eject)
       SELECT $1, p.fleet_id, 'printer ' || gen_random_uuid(), p.material, p.nozzle, p.bx, p.by, p.bz,
              string_to_array(p.tags, ','), p.state, p.auto_eject
         FROM unnest($2::uuid[], $3::text[], $4::real[], $5::real[], $6::real[], $7::real[], $8::text[], $9::text[],
                     $10::boolean[])
           AS p(fleet_id, material, nozzle, bx, by, bz, tags, state, auto_eject)
       RETURNING id`,
      [
        this.orgId,
        specs.map((spec) => spec.fleetId),
        specs.map((spec) => (spec.material === undefined ? 'PLA' : spec.material)),
        specs.map((spec) => (spec.nozzle === undefined ? 0.4 : spec.nozzle)),
        specs.map((spec) => (spec.build === null ? null : (spec.build ?? [250, 210, 220])[0])),
        specs.map((spec) => (spec.build === null ? null : (spec.build ?? [250, 210, 220])[1])),
        specs.map((spec) => (spec.build === null ? null : (spec.build ?? [250, 210, 220])[2])),
        specs.map((spec) => (spec.tags ?? []).join(',')),
        specs.map((spec) => spec.state ?? 'operational'),
        specs.map((spec) => spec.autoEject ?? false),
      ],
    );
    return rows.map((row) => row.id);
  }

  async addJobs(specs: JobSpec[]): Promise<string[]> {
    const ids: string[] = [];
    const base = Date.now();
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO print_jobs (org_id, file_id, name, copies, priority, position, material, nozzle_diameter,
                               min_build_x, min_build_y, min_build_z, fleet_ids, required_tags, held, earliest_start_at)
       SELECT $1, $2, 'job ' || j.ordinality, j.copies, j.priority, j.position, j.material, j.nozzle, j.bx, j.by, j.bz,
              CASE WHEN j.fleets = '' THEN '{}'::uuid[] ELSE string_to_array(j.fleets, ',')::uuid[] END,
              CASE WHEN j.tags = '' THEN '{}'::text[] ELSE string_to_array(j.tags, ',') END,
              j.held, j.earliest
         FROM unnest($3::int[], $4::int[], $5::float8[], $6::text[], $7::real[], $8::real[], $9::real[], $10::real[],
                     $11::text[], $12::text[], $13::boolean[], $14::timestamptz[])
              WITH ORDINALITY AS j(copies, priority, position, material, nozzle, bx, by, bz, fleets, tags, held, earliest)
        ORDER BY j.ordinality
       RETURNING id`,
      [
        this.orgId,
        this.fileId,
        specs.map((spec) => spec.copies),
        specs.map((spec) => spec.priority ?? 0),
        specs.map((spec, index) => spec.position ?? base + index),
        specs.map((spec) => spec.material ?? null),
        specs.map((spec) => spec.nozzle ?? null),
        specs.map((spec) => spec.minBuild?.[0] ?? null),
        specs.map((spec) => spec.minBuild?.[1] ?? null),
        specs.map((spec) => spec.minBuild?.[2] ?? null),
        specs.map((spec) => (spec.fleetIds ?? []).join(',')),
        specs.map((spec) => (spec.requiredTags ?? []).join(',')),
        specs.map((spec) => spec.held ?? false),
        specs.map((spec) => spec.earliestStartAt ?? null),
      ],
    );
    ids.push(...rows.map((row) => row.id));
    await this.dataSource.query(
      `INSERT INTO print_copies (org_id, job_id, number)
       SELECT j.org_id, j.id, n FROM print_jobs j CROSS JOIN LATERAL generate_series(1, j.copies) AS n
        WHERE j.id = ANY($1)`,
      [ids],
    );
    return ids;
  }

  /**
   * Ends every active copy of the organization as done with its bed clear, so its printers are ready again. Each
   * printed: its attempt started when it was assigned (unless it already had started) and ends now.
   */
  async finishActive(): Promise<number> {
    const rows: { count: number }[] = await this.dataSource.query(
      `WITH finished AS (
         UPDATE print_copies SET state = 'done', outcome = 'good', finished_at = now(), cleared_at = now()
          WHERE org_id = $1 AND state IN ('assigned', 'uploading', 'printing', 'awaiting_bed_clear')
         RETURNING id, attempt
       ), ended AS (
         UPDATE print_attempts a SET state = 'done', outcome = 'good', started_at = COALESCE(a.started_at, a.assigned_at),
                ended_at = now()
           FROM finished f WHERE a.copy_id = f.id AND a.attempt = f.attempt
         RETURNING a.id
       )
       SELECT count(*)::int AS count FROM finished`,
      [this.orgId],
    );
    return rows[0]!.count;
  }

  /** Moves assigned copies onto their printers: they start printing now (what an agent's `started` event does). */
  async startAssigned(): Promise<number> {
    const rows: { count: number }[] = await this.dataSource.query(
      `WITH started AS (
         UPDATE print_copies SET state = 'printing', started_at = now()
          WHERE org_id = $1 AND state IN ('assigned', 'uploading')
         RETURNING id, attempt
       ), attempts AS (
         UPDATE print_attempts a SET state = 'printing', started_at = now()
           FROM started s WHERE a.copy_id = s.id AND a.attempt = s.attempt
         RETURNING a.id
       )
       SELECT count(*)::int AS count FROM started`,
      [this.orgId],
    );
    return rows[0]!.count;
  }

  /** Moves the stagger window: every attempt so far was assigned (and started, if it did) `seconds` earlier. */
  async age(seconds: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE print_attempts SET assigned_at = assigned_at - make_interval(secs => $2),
              started_at = started_at - make_interval(secs => $2)
        WHERE org_id = $1`,
      [this.orgId, seconds],
    );
  }
}

/** A scheduler outside Nest on its own DataSource (a second worker), every printer online, dispatches recorded. */
export function standaloneScheduler(dataSource: DataSource, maxStartsPerFleetPerMinute: number) {
  const enqueued: { name: string; payload: unknown }[] = [];
  const link: PrinterLink = {
    onlineAmong: async (ids) => new Set(ids),
    live: async () => ({ online: true, state: 'operational', copyId: null, fileName: null, sha256: null }),
    execute: async () => ({}),
  };
  const config = loadConfig({ SCHEDULER_MAX_STARTS_PER_FLEET_PER_MINUTE: String(maxStartsPerFleetPerMinute) });
  const scheduler = new SchedulerService(
    dataSource,
    new SchedulerRepository(),
    { record: async () => undefined } as unknown as AuditService,
    { enqueue: async (name: string, payload: unknown) => void enqueued.push({ name, payload }) } as unknown as JobQueue,
    { emit: () => undefined } as unknown as DomainEvents,
    new SpoolDirectory(dataSource),
    // No maintenance tasks in these fixtures: nothing is held.
    { heldAmong: async () => new Set<string>() } as unknown as MaintenanceDirectory,
    link,
    config,
    createLogger('scheduler-test', 'silent'),
  );
  return { scheduler, enqueued };
}
