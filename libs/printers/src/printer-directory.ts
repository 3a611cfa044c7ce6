import { Injectable, Module } from '@nestjs/common';
import type { SqlCondition } from '@farmhand/authz';
import { sharedTable } from '@farmhand/core';
import { DataSource, type EntityManager } from 'typeorm';
import { Printer, type DetectionSettings } from './entities/printer.entity';

/** Where a printer is: its organization and fleet. */
export interface PrinterPlacement {
  id: string;
  orgId: string;
  fleetId: string;
}

/** What the live dashboard shows of a printer besides its live state. */
export type PrinterSummary = Pick<
  Printer,
  'id' | 'orgId' | 'fleetId' | 'name' | 'model' | 'tags' | 'state' | 'lastSeenAt'
>;

/** A printer's name and placement, and the settings other domains act on (detection, auto-eject). */
export interface PrinterProfile extends PrinterPlacement {
  name: string;
  detection: Partial<DetectionSettings>;
  autoEject: boolean;
}

/**
 * `printers` for the SQL of other libraries that must join it in one statement (detection's alert lists scoped by the
 * printer's fleet and its labelled-frames rule, the jobs statistics per fleet, the scheduler's pass that locks ready
 * printers). Read-only.
 */
export const PRINTERS_TABLE = sharedTable('printers', [
  'id',
  'org_id',
  'fleet_id',
  'name',
  'model',
  'state',
  'material',
  'nozzle_diameter',
  'build_x',
  'build_y',
  'build_z',
  'tags',
  'auto_eject',
]);

const CHUNK = 500;

/**
 * The read provider other libraries use for printers: where printers are, what they are called, the summaries a
 * dashboard lists. Reads only; writes go through PrintersService, PrinterStateRepository and
 * EnrolledPrintersRepository.
 */
@Injectable()
export class PrinterDirectory {
  constructor(private readonly dataSource: DataSource) {}

  /** Which organization and fleet each printer belongs to; unknown ids are simply absent. */
  async placements(printerIds: string[]): Promise<PrinterPlacement[]> {
    const found: PrinterPlacement[] = [];
    for (let index = 0; index < printerIds.length; index += CHUNK) {
      const rows = await this.dataSource
        .getRepository(Printer)
        .createQueryBuilder('printer')
        .select(['printer.id', 'printer.orgId', 'printer.fleetId'])
        .where('printer.id = ANY(:ids)', { ids: printerIds.slice(index, index + CHUNK) })
        .getMany();
      found.push(...rows.map(({ id, orgId, fleetId }) => ({ id, orgId, fleetId })));
    }
    return found;
  }

  /** Where a printer is, whatever its organization (for a caller whose credential already names the printer). */
  async placement(
    printerId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<PrinterPlacement | null> {
    const printer = await manager
      .getRepository(Printer)
      .findOne({ where: { id: printerId }, select: { id: true, orgId: true, fleetId: true } });
    return printer ? { id: printer.id, orgId: printer.orgId, fleetId: printer.fleetId } : null;
  }

  /** The printer of the organization with its name and detection settings; null when it is not one. */
  async profile(orgId: string, printerId: string): Promise<PrinterProfile | null> {
    const printer = await this.dataSource.getRepository(Printer).findOne({
      where: { orgId, id: printerId },
      select: { id: true, orgId: true, fleetId: true, name: true, detection: true, autoEject: true },
    });
    if (!printer) return null;
    const { id, fleetId, name, detection, autoEject } = printer;
    return { id, orgId: printer.orgId, fleetId, name, detection, autoEject };
  }

  /**
   * The printers of an organization the caller may read (`readable`, alias `printer`), by name, at most `limit`.
   * Raw rows, not entities: a dashboard resync reads thousands, and hydrating each into an entity costs more than
   * the query.
   */
  summaries(orgId: string, readable: SqlCondition, limit: number): Promise<PrinterSummary[]> {
    return this.dataSource
      .getRepository(Printer)
      .createQueryBuilder('printer')
      .select('printer.id', 'id')
      .addSelect('printer.orgId', 'orgId')
      .addSelect('printer.fleetId', 'fleetId')
      .addSelect('printer.name', 'name')
      .addSelect('printer.model', 'model')
      .addSelect('printer.tags', 'tags')
      .addSelect('printer.state', 'state')
      .addSelect('printer.lastSeenAt', 'lastSeenAt')
      .where('printer.orgId = :orgId', { orgId })
      .andWhere(readable.sql, readable.parameters)
      .orderBy('printer.name', 'ASC')
      .limit(limit)
      .getRawMany<PrinterSummary>();
  }
}

/** PrinterDirectory alone, for roles and libraries that read printers without the printers API (the dashboard). */
@Module({ providers: [PrinterDirectory], exports: [PrinterDirectory] })
export class PrinterDirectoryModule {}
