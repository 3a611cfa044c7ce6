import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { PrinterDefaults } from '../entities/printer-defaults.entity';

export type DefaultFields = Pick<
  PrinterDefaults,
  'material' | 'autoPause' | 'sensitivity' | 'frameIntervalSeconds' | 'bedClearGate'
>;

export const DEFAULT_FIELDS = ['material', 'autoPause', 'sensitivity', 'frameIntervalSeconds', 'bedClearGate'] as const;

export const noDefaults = (): DefaultFields => ({
  material: null,
  autoPause: null,
  sensitivity: null,
  frameIntervalSeconds: null,
  bedClearGate: null,
});

/** The organization's defaults for new printers (`fleet_id` null) and each fleet's. */
@Injectable()
export class PrinterDefaultsRepository {
  constructor(private readonly dataSource: DataSource) {}

  listForOrg(orgId: string, manager: EntityManager = this.dataSource.manager): Promise<PrinterDefaults[]> {
    return manager.getRepository(PrinterDefaults).find({ where: { orgId }, order: { updatedAt: 'ASC' } });
  }

  /** Writes the given fields of the organization's row (fleetId null) or a fleet's, creating it when missing. */
  async upsert(
    manager: EntityManager,
    orgId: string,
    fleetId: string | null,
    fields: Partial<DefaultFields>,
  ): Promise<void> {
    const repository = manager.getRepository(PrinterDefaults);
    // One row per organization and per fleet (two partial unique indexes); the row is locked while it changes.
    const existing = await repository
      .createQueryBuilder('defaults')
      .setLock('pessimistic_write')
      .where('defaults.orgId = :orgId', { orgId })
      .andWhere(fleetId ? 'defaults.fleetId = :fleetId' : 'defaults.fleetId IS NULL', { fleetId })
      .getOne();
    if (existing) await repository.update({ id: existing.id }, fields);
    else await repository.save(repository.create({ ...noDefaults(), ...fields, orgId, fleetId }));
  }
}

/** A fleet's defaults field by field: the fleet's own where set, else the organization's, else none. */
export function resolveDefaults(rows: readonly PrinterDefaults[], fleetId: string): DefaultFields {
  const organization = rows.find((row) => row.fleetId === null);
  const fleet = rows.find((row) => row.fleetId === fleetId);
  const resolved = noDefaults();
  for (const field of DEFAULT_FIELDS)
    (resolved as Record<string, unknown>)[field] = fleet?.[field] ?? organization?.[field] ?? null;
  return resolved;
}
