import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { SpoolUsage } from './entities/spool-usage.entity';
import { Spool } from './entities/spool.entity';

export type SpoolChanges = Partial<
  Pick<
    Spool,
    | 'material'
    | 'colorName'
    | 'colorHex'
    | 'vendor'
    | 'diameterMm'
    | 'initialGrams'
    | 'remainingGrams'
    | 'costCents'
    | 'location'
    | 'lot'
    | 'lowStockGrams'
    | 'printerId'
    | 'slot'
    | 'loadedAt'
    | 'archivedAt'
  >
>;

export interface SpoolFilter {
  printerId?: string;
  material?: string;
  includeArchived?: boolean;
  /** true: only Spoolman mirrors; false: only built-in spools; undefined: both. */
  spoolman?: boolean;
  limit: number;
}

/** The spools' SQL; every query is scoped to one organization. */
@Injectable()
export class SpoolsRepository {
  constructor(private readonly dataSource: DataSource) {}

  list(orgId: string, filter: SpoolFilter): Promise<Spool[]> {
    const query = this.dataSource
      .getRepository(Spool)
      .createQueryBuilder('s')
      .where('s.org_id = :orgId', { orgId })
      .orderBy('s.archived_at IS NULL', 'DESC')
      .addOrderBy('s.created_at', 'DESC')
      .addOrderBy('s.id', 'ASC')
      .limit(filter.limit);
    if (!filter.includeArchived) query.andWhere('s.archived_at IS NULL');
    if (filter.spoolman !== undefined)
      query.andWhere(filter.spoolman ? 's.spoolman_id IS NOT NULL' : 's.spoolman_id IS NULL');
    if (filter.printerId) query.andWhere('s.printer_id = :printerId', { printerId: filter.printerId });
    if (filter.material) query.andWhere('lower(s.material) = lower(:material)', { material: filter.material });
    return query.getMany();
  }

  find(orgId: string, id: string, manager: EntityManager = this.dataSource.manager): Promise<Spool | null> {
    return manager.getRepository(Spool).findOne({ where: { orgId, id } });
  }

  lock(manager: EntityManager, orgId: string, id: string): Promise<Spool | null> {
    return manager
      .getRepository(Spool)
      .createQueryBuilder('s')
      .setLock('pessimistic_write')
      .where('s.org_id = :orgId AND s.id = :id', { orgId, id })
      .getOne();
  }

  /** The spool in a printer's slot, locked. */
  lockInSlot(manager: EntityManager, printerId: string, slot: number): Promise<Spool | null> {
    return manager
      .getRepository(Spool)
      .createQueryBuilder('s')
      .setLock('pessimistic_write')
      .where('s.printer_id = :printerId AND s.slot = :slot', { printerId, slot })
      .getOne();
  }

  /** Every spool loaded on a printer, slot order, locked (a print's usage picks among them). */
  lockLoadedOn(manager: EntityManager, orgId: string, printerId: string): Promise<Spool[]> {
    return manager
      .getRepository(Spool)
      .createQueryBuilder('s')
      .setLock('pessimistic_write')
      .where('s.org_id = :orgId AND s.printer_id = :printerId', { orgId, printerId })
      .orderBy('s.slot', 'ASC')
      .getMany();
  }

  async insert(manager: EntityManager, values: Partial<Spool> & { orgId: string }): Promise<Spool> {
    const repository = manager.getRepository(Spool);
    return repository.save(repository.create(values));
  }

  async update(manager: EntityManager, id: string, changes: SpoolChanges): Promise<void> {
    await manager.getRepository(Spool).update({ id }, changes);
  }

  /** Writes a usage row once per (copy, attempt, spool); its id, or null when it was already there. */
  async insertUsage(
    manager: EntityManager,
    usage: Pick<
      SpoolUsage,
      'orgId' | 'spoolId' | 'printerId' | 'copyId' | 'attempt' | 'grams' | 'fraction' | 'outcome'
    > &
      Partial<Pick<SpoolUsage, 'spoolmanState'>>,
  ): Promise<string | null> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(SpoolUsage)
      .values(usage)
      .orIgnore()
      .returning(['id'])
      .execute();
    return (result.raw as { id: string }[])[0]?.id ?? null;
  }

  usage(orgId: string, spoolId: string, limit: number): Promise<SpoolUsage[]> {
    return this.dataSource.getRepository(SpoolUsage).find({
      where: { orgId, spoolId },
      order: { recordedAt: 'DESC', id: 'ASC' },
      take: limit,
    });
  }

  async usesSpoolman(orgId: string, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const rows: unknown[] = await manager.query(`SELECT 1 FROM spoolman_connections WHERE org_id = $1`, [orgId]);
    return rows.length > 0;
  }

  countActive(manager: EntityManager, orgId: string): Promise<number> {
    return manager.getRepository(Spool).count({ where: { orgId, archivedAt: IsNull() } });
  }
}
