import { Injectable } from '@nestjs/common';
import { Printer } from '@farmhand/printers';
import { DataSource } from 'typeorm';

export interface PrinterPlacement {
  id: string;
  orgId: string;
  fleetId: string;
}

export type PrinterRow = Pick<Printer, 'id' | 'orgId' | 'fleetId' | 'name' | 'model' | 'tags' | 'state' | 'lastSeenAt'>;

const CHUNK = 500;

@Injectable()
export class DashboardRepository {
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

  /** The printers of an organization the caller may read (fleet scope applied in SQL), by name, at most `limit`. */
  list(orgId: string, fleetScope: string[] | null, limit: number): Promise<PrinterRow[]> {
    const builder = this.dataSource
      .getRepository(Printer)
      .createQueryBuilder('printer')
      .select([
        'printer.id',
        'printer.orgId',
        'printer.fleetId',
        'printer.name',
        'printer.model',
        'printer.tags',
        'printer.state',
        'printer.lastSeenAt',
      ])
      .where('printer.orgId = :orgId', { orgId })
      .orderBy('printer.name', 'ASC')
      .limit(limit);
    if (fleetScope) builder.andWhere('printer.fleetId = ANY(:fleetScope)', { fleetScope });
    return builder.getMany();
  }
}
