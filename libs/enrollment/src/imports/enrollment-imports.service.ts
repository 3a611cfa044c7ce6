import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { FLEET_CONDITION_COLUMNS, FleetDirectory, OrganizationDirectory } from '@farmhand/accounts';
import { AuditService } from '@farmhand/audit';
import { accessibleWhere, type AppAbility, type Principal } from '@farmhand/authz';
import { DomainException, LOGGER, chunk, isUniqueViolation } from '@farmhand/core';
import { EnrolledPrintersRepository, type NewPrinter } from '@farmhand/printers';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { issueEnrollmentToken } from '../codes/secret-token';
import { ENROLLMENT_CSV_LIMITS } from '../csv/enrollment-csv.columns';
import { applyKnownFleets, compareRowErrors, parseEnrollmentCsv } from '../csv/enrollment-csv.parser';
import type { EnrollmentCsvResult, FileError, ParsedPrinterRow, RowError } from '../csv/enrollment-csv.types';
import { IMPORT_LIMITS } from '../enrollment.constants';
import type { PrinterCredentialExport } from '../export/credentials-csv';
import { canEnrollInto } from '../printers/enrollable-fleets';
import { EnrollmentTokensRepository, type NewEnrollmentToken } from '../tokens/enrollment-tokens.repository';
import { tooLarge } from './csv-upload';
import { EnrollmentImportsRepository } from './enrollment-imports.repository';
import { planImport, type ImportPlan, type PlannedRow } from './import-plan';
import { ImportProgressStore, type ImportPhase, type ImportProgress } from './import-progress.store';

export interface ImportOptions {
  mode: 'dry-run' | 'commit';
  importId?: string;
  tokenLifetimeHours: number;
}

export interface DryRunReport {
  importId: string;
  mode: 'dry-run';
  /** True when a commit of this file would succeed now. */
  valid: boolean;
  summary: { rows: number; valid: number; invalid: number; create: number; update: number };
  fileErrors: FileError[];
  errors: RowError[];
  errorsOmitted: number;
  rows: Array<ParsedPrinterRow & { action: 'create' | 'update'; printerId: string | null }>;
}

export interface CommittedPrinter extends PrinterCredentialExport {
  row: number;
  printerId: string;
  action: 'create' | 'update';
}

export interface CommitResult {
  importId: string;
  mode: 'commit';
  created: number;
  updated: number;
  organizationName: string | null;
  printers: CommittedPrinter[];
}

/**
 * Bulk CSV enrollment: a dry run validates every row against the file format and the organization's fleets and
 * printers and writes nothing; a commit applies the same plan in one transaction (all or nothing), upserting by
 * serial, else by name, and hands out one single-use enrollment token per printer, bound to it.
 */
@Injectable()
export class EnrollmentImportsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly imports: EnrollmentImportsRepository,
    private readonly printers: EnrolledPrintersRepository,
    private readonly tokens: EnrollmentTokensRepository,
    private readonly fleets: FleetDirectory,
    private readonly organizations: OrganizationDirectory,
    private readonly progressStore: ImportProgressStore,
    private readonly audit: AuditService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  progress(orgId: string, importId: string): Promise<ImportProgress | null> {
    return this.progressStore.get(orgId, importId);
  }

  async run(
    principal: Principal,
    ability: AppAbility,
    orgId: string,
    csv: Buffer,
    options: ImportOptions,
  ): Promise<DryRunReport | CommitResult> {
    const tracker = new ProgressTracker(this.progressStore, this.logger, orgId, {
      importId: options.importId ?? randomUUID(),
      mode: options.mode,
      bytesTotal: csv.length,
    });
    try {
      const parsed = await parseEnrollmentCsv(csv, {
        onProgress: (progress) => tracker.update({ rowsParsed: progress.rowsParsed }),
        maxRowErrors: IMPORT_LIMITS.maxReportedErrors,
      });
      if (parsed.fileErrors.some((error) => error.code === 'file_too_large')) {
        throw tooLarge(ENROLLMENT_CSV_LIMITS.maxFileBytes);
      }
      tracker.phase('checking', { rowsTotal: parsed.dataRowCount });
      // A fleet-limited admin imports into their own fleets only: the others are unknown fleets to them. The fleets
      // are those the caller may enroll printers into (the `enroll Printer` rule, its fleet as the fleet's id).
      const fleets = await this.fleets.list(
        orgId,
        accessibleWhere(ability, 'enroll', 'Printer', {
          orgId: FLEET_CONDITION_COLUMNS.orgId!,
          fleetId: FLEET_CONDITION_COLUMNS.id!,
        }),
      );
      const fleetIds = new Map(fleets.map((fleet) => [fleet.name, fleet.id]));
      const checked = applyKnownFleets(parsed, fleetIds.keys(), IMPORT_LIMITS.maxReportedErrors);
      const canManage = (fleetId: string) => canEnrollInto(ability, orgId, fleetId);

      if (options.mode === 'dry-run') {
        const report = await this.dryRun(orgId, checked, fleetIds, canManage, tracker.importId);
        tracker.phase('done');
        return report;
      }

      if (checked.fileErrors.length > 0 || checked.errors.length > 0) {
        throw refusal(checked.fileErrors, checked.errors, checked.errorsOmitted);
      }
      const result = await this.commit(principal, orgId, checked.rows, fleetIds, canManage, options, tracker);
      tracker.phase('done', { rowsWritten: result.printers.length });
      return result;
    } catch (error) {
      tracker.phase('failed', { error: error instanceof DomainException ? error.code : 'internal_error' });
      throw error;
    }
  }

  /** What a commit of this file would do now, with every error found, writing nothing. */
  private async dryRun(
    orgId: string,
    checked: EnrollmentCsvResult,
    fleetIds: Map<string, string>,
    canManage: (fleetId: string) => boolean,
    importId: string,
  ): Promise<DryRunReport> {
    const plan = await this.plan(null, orgId, checked.rows, fleetIds, canManage);
    const errors = [...checked.errors, ...plan.errors].sort(compareRowErrors);
    const shown = errors.slice(0, IMPORT_LIMITS.maxReportedErrors);
    const invalidRows = new Set(errors.map((error) => error.row)).size;
    return {
      importId,
      mode: 'dry-run',
      valid: checked.fileErrors.length === 0 && errors.length === 0 && checked.errorsOmitted === 0,
      summary: {
        rows: checked.dataRowCount,
        valid: plan.planned.length,
        invalid: invalidRows,
        create: plan.planned.filter((row) => row.action === 'create').length,
        update: plan.planned.filter((row) => row.action === 'update').length,
      },
      fileErrors: checked.fileErrors,
      errors: shown,
      errorsOmitted: checked.errorsOmitted + errors.length - shown.length,
      rows: plan.planned.map((planned) => ({
        ...planned.row,
        action: planned.action,
        printerId: planned.printer?.id ?? null,
      })),
    };
  }

  /**
   * Applies the plan in one transaction (all or nothing): the organization locked, the plan made again inside it and
   * refused if it no longer holds, then written.
   */
  private async commit(
    principal: Principal,
    orgId: string,
    rows: ParsedPrinterRow[],
    fleetIds: Map<string, string>,
    canManage: (fleetId: string) => boolean,
    options: ImportOptions,
    tracker: ProgressTracker,
  ): Promise<CommitResult> {
    const expiresAt = new Date(Date.now() + options.tokenLifetimeHours * 3600 * 1000);
    const fleetNames = new Map([...fleetIds].map(([name, id]) => [id, name]));
    try {
      const printers = await this.dataSource.transaction(async (manager) => {
        await this.imports.lockOrganization(manager, orgId);
        const plan = await this.plan(manager, orgId, rows, fleetIds, canManage);
        if (plan.errors.length > 0) throw refusal([], plan.errors, 0);
        tracker.phase('writing');
        return this.applyPlan(manager, principal, orgId, plan.planned, { fleetNames, expiresAt, tracker });
      });
      return {
        importId: tracker.importId,
        mode: 'commit',
        created: printers.filter((printer) => printer.action === 'create').length,
        updated: printers.filter((printer) => printer.action === 'update').length,
        organizationName: await this.organizations.nameOf(orgId),
        printers,
      };
    } catch (error) {
      throw importConflictOr(error);
    }
  }

  /** The plan's writes: printers, the unused tokens of re-imported printers revoked, new tokens, the audit entry. */
  private async applyPlan(
    manager: EntityManager,
    principal: Principal,
    orgId: string,
    planned: PlannedRow[],
    { fleetNames, expiresAt, tracker }: { fleetNames: Map<string, string>; expiresAt: Date; tracker: ProgressTracker },
  ): Promise<CommittedPrinter[]> {
    const printerIds = await this.writePrinters(manager, orgId, planned, tracker);
    const created = planned.filter((row) => row.action === 'create');
    const updated = planned.filter((row) => row.action === 'update');
    // Only the newest sheet of a printer is live: re-importing replaces the unused tokens of the last one.
    const revoked = await this.tokens.revokeUnusedForPrinters(
      manager,
      updated.map((row) => row.printer!.id),
    );
    const issued = issueImportTokens(orgId, planned, printerIds, fleetNames, expiresAt);
    for (const part of chunk(issued.tokens, IMPORT_LIMITS.writeChunkRows)) {
      await this.tokens.insertMany(manager, part);
    }
    await this.audit.record(manager, {
      orgId,
      principal,
      action: 'enrollment.imported',
      subject: { type: 'EnrollmentImport', id: tracker.importId },
      details: {
        created: created.length,
        updated: updated.length,
        revokedUnused: revoked,
        expiresAt: expiresAt.toISOString(),
      },
    });
    return issued.committed;
  }

  /** Inserts the new printers, then updates the existing ones, in chunks; returns each row's printer id. */
  private async writePrinters(
    manager: EntityManager,
    orgId: string,
    planned: PlannedRow[],
    tracker: ProgressTracker,
  ): Promise<Map<number, string>> {
    const printerIds = new Map<number, string>();
    let written = 0;
    for (const part of chunk(
      planned.filter((row) => row.action === 'create'),
      IMPORT_LIMITS.writeChunkRows,
    )) {
      const ids = await this.printers.insertMany(
        manager,
        orgId,
        part.map((row) => printerValues(orgId, row.fleetId, row.row, null)),
      );
      for (const row of part) printerIds.set(row.row.row, ids.get(row.row.name)!);
      written += part.length;
      tracker.update({ rowsWritten: written });
    }
    for (const part of chunk(
      planned.filter((row) => row.action === 'update'),
      IMPORT_LIMITS.writeChunkRows,
    )) {
      await this.printers.updateMany(
        manager,
        orgId,
        part.map((row) => ({
          id: row.printer!.id,
          ...printerValues(orgId, row.fleetId, row.row, row.printer!.serial),
        })),
      );
      for (const row of part) printerIds.set(row.row.row, row.printer!.id);
      written += part.length;
      tracker.update({ rowsWritten: written });
    }
    return printerIds;
  }

  private async plan(
    manager: EntityManager | null,
    orgId: string,
    rows: ParsedPrinterRow[],
    fleetIds: Map<string, string>,
    canManage: (fleetId: string) => boolean,
  ): Promise<ImportPlan> {
    if (rows.length === 0) return { planned: [], errors: [] };
    const serials = rows.flatMap((row) => (row.serial === null ? [] : [row.serial]));
    const existing = await this.printers.findBySerialsOrNames(
      manager,
      orgId,
      serials,
      rows.map((row) => row.name),
    );
    return planImport(rows, fleetIds, existing, canManage);
  }
}

function printerValues(orgId: string, fleetId: string, row: ParsedPrinterRow, keptSerial: string | null): NewPrinter {
  return {
    orgId,
    fleetId,
    name: row.name,
    model: row.model,
    // A row without a serial does not erase the one a printer already has.
    serial: row.serial ?? keptSerial,
    nozzleDiameter: row.nozzleDiameterMm,
    buildX: row.buildVolumeMm.x,
    buildY: row.buildVolumeMm.y,
    buildZ: row.buildVolumeMm.z,
    material: row.material,
    tags: row.tags,
  };
}

/** One single-use token per printer, bound to it, and the sheet's line for it (the token shown once). */
function issueImportTokens(
  orgId: string,
  planned: PlannedRow[],
  printerIds: Map<number, string>,
  fleetNames: Map<string, string>,
  expiresAt: Date,
): { tokens: NewEnrollmentToken[]; committed: CommittedPrinter[] } {
  const tokens: NewEnrollmentToken[] = [];
  const committed: CommittedPrinter[] = [];
  for (const row of planned) {
    const issued = issueEnrollmentToken();
    const printerId = printerIds.get(row.row.row)!;
    tokens.push({
      id: issued.id,
      orgId,
      fleetId: row.fleetId,
      printerId,
      tokenHash: issued.hash,
      source: 'import',
      printerName: null,
      template: {},
      octoprintUrl: row.row.octoprintUrl,
      uses: 1,
      expiresAt,
    });
    committed.push({
      row: row.row.row,
      printerId,
      action: row.action,
      name: row.row.name,
      serial: row.row.serial ?? row.printer?.serial ?? null,
      fleet: fleetNames.get(row.fleetId)!,
      token: issued.token,
      expiresAt,
      octoprintUrl: row.row.octoprintUrl,
      kind: row.row.kind,
      address: row.row.address,
    });
  }
  return { tokens, committed };
}

/** A printer created by a pairing or a token while this import ran; the plan was right a moment ago. */
function importConflictOr(error: unknown): unknown {
  if (isUniqueViolation(error, 'printers_org_name_unique') || isUniqueViolation(error, 'printers_org_serial_unique')) {
    return DomainException.conflict(
      'import_conflict',
      'A printer with one of these names or serials was added while importing; nothing was written, run it again',
    );
  }
  return error;
}

function refusal(fileErrors: FileError[], errors: RowError[], omitted: number): DomainException {
  const shown = errors.slice(0, IMPORT_LIMITS.maxErrorsInRefusal);
  const count = errors.length + omitted;
  const message =
    fileErrors[0]?.message ??
    `The CSV has ${count} error${count === 1 ? '' : 's'} (first on row ${errors[0]?.row}); nothing was written. ` +
      'A dry run lists them all.';
  return DomainException.invalid('invalid_csv', message, undefined, {
    fileErrors,
    errors: shown,
    errorsOmitted: count - shown.length,
  });
}

const LOG_EVERY_ROWS = 2_000;
const SAVE_EVERY_MS = 250;

/** Keeps an import's progress in Redis (throttled) and logs a line per phase and every 2,000 rows. */
class ProgressTracker {
  private readonly state: ImportProgress;
  private lastSaved = 0;
  private lastLoggedRows = 0;

  constructor(
    private readonly store: ImportProgressStore,
    private readonly logger: Logger,
    private readonly orgId: string,
    start: { importId: string; mode: ImportProgress['mode']; bytesTotal: number },
  ) {
    const now = new Date().toISOString();
    this.state = {
      ...start,
      phase: 'parsing',
      rowsParsed: 0,
      rowsWritten: 0,
      rowsTotal: null,
      startedAt: now,
      updatedAt: now,
    };
    this.save(true);
  }

  get importId(): string {
    return this.state.importId;
  }

  update(changes: Partial<Pick<ImportProgress, 'rowsParsed' | 'rowsWritten' | 'rowsTotal' | 'error'>>): void {
    Object.assign(this.state, changes);
    const rows = this.state.phase === 'writing' ? this.state.rowsWritten : this.state.rowsParsed;
    if (rows - this.lastLoggedRows >= LOG_EVERY_ROWS) {
      this.lastLoggedRows = rows;
      this.log();
    }
    this.save(false);
  }

  phase(phase: ImportPhase, changes: Parameters<ProgressTracker['update']>[0] = {}): void {
    this.state.phase = phase;
    this.lastLoggedRows = 0;
    Object.assign(this.state, changes);
    this.log();
    this.save(true);
  }

  private log(): void {
    const { importId, mode, phase, rowsParsed, rowsWritten, rowsTotal, error } = this.state;
    this.logger.info(
      { orgId: this.orgId, importId, mode, phase, rowsParsed, rowsWritten, rowsTotal, error },
      'enrollment import progress',
    );
  }

  private save(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastSaved < SAVE_EVERY_MS) return;
    this.lastSaved = now;
    this.state.updatedAt = new Date(now).toISOString();
    // Progress is a courtesy: a Redis hiccup must not fail the import.
    this.store.save(this.orgId, { ...this.state }).catch(() => undefined);
  }
}
