import { Injectable } from '@nestjs/common';
import type { ConditionColumns, SqlCondition } from '@farmhand/authz';
import { DataSource, type EntityManager } from 'typeorm';
import { Printer } from './entities/printer.entity';

/** The `Printer` subject's condition fields as columns of this repository's queries (alias `printer`). */
export const PRINTER_CONDITION_COLUMNS: ConditionColumns = {
  id: { column: 'printer.id', type: 'uuid' },
  orgId: { column: 'printer.org_id', type: 'uuid' },
  fleetId: { column: 'printer.fleet_id', type: 'uuid' },
};

export interface PrinterListQuery {
  orgId: string;
  /** The printers the caller may read, from their ability (`accessibleWhere`). */
  readable: SqlCondition;
  fleetId?: string;
  state?: string;
  tag?: string;
  search?: string;
  limit: number;
  offset: number;
}

@Injectable()
export class PrintersRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Tenant and the caller's conditions are applied in SQL: a caller never loads rows it may not read. */
  list(query: PrinterListQuery): Promise<[Printer[], number]> {
    const builder = this.dataSource
      .getRepository(Printer)
      .createQueryBuilder('printer')
      .where('printer.orgId = :orgId', { orgId: query.orgId })
      .andWhere(query.readable.sql, query.readable.parameters)
      .orderBy('printer.name', 'ASC')
      .take(query.limit)
      .skip(query.offset);
    if (query.fleetId) builder.andWhere('printer.fleetId = :fleetId', { fleetId: query.fleetId });
    if (query.state) builder.andWhere('printer.state = :state', { state: query.state });
    if (query.tag) builder.andWhere(':tag = ANY(printer.tags)', { tag: query.tag });
    if (query.search)
      builder.andWhere('printer.name ILIKE :search', { search: `%${query.search.replace(/[%_\\]/g, '\\$&')}%` });
    return builder.getManyAndCount();
  }

  findInOrg(orgId: string, id: string): Promise<Printer | null> {
    return this.dataSource.getRepository(Printer).findOneBy({ orgId, id });
  }

  async update(manager: EntityManager, id: string, changes: Partial<Printer>): Promise<void> {
    await manager.getRepository(Printer).update({ id }, changes as never);
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(Printer).delete({ id });
  }
}
