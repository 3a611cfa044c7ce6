import { Injectable } from '@nestjs/common';
import { PRINTERS_TABLE } from '@farmhand/printers';
import { DataSource, type EntityManager } from 'typeorm';
import { ReportSettings } from './entities/report-settings.entity';

export type CostSettings = Pick<
  ReportSettings,
  'currency' | 'energyCentsPerKwh' | 'machineCentsPerHour' | 'defaultWatts' | 'modelWatts'
>;

export const DEFAULT_COST_SETTINGS: CostSettings = {
  currency: 'EUR',
  energyCentsPerKwh: 0,
  machineCentsPerHour: 0,
  defaultWatts: 0,
  modelWatts: {},
};

/** The cost settings and the printers' state intervals: the rows libs/reports owns besides the rollups. */
@Injectable()
export class ReportsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async settings(orgId: string, manager: EntityManager = this.dataSource.manager): Promise<CostSettings> {
    const row = await manager.findOneBy(ReportSettings, { orgId });
    return row ?? { ...DEFAULT_COST_SETTINGS };
  }

  async saveSettings(manager: EntityManager, orgId: string, settings: CostSettings): Promise<void> {
    await manager.upsert(ReportSettings, { orgId, ...settings }, ['orgId']);
  }

  /**
   * Closes the printer's open interval and opens one in `state` at `at`, in one transaction (a unique partial index
   * keeps one open interval per printer). The fleet is the printer's now, so figures stay with the fleet it was in.
   */
  async recordState(orgId: string, printerId: string, state: string, at: Date): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [printer]: { fleet_id: string | null }[] = await manager.query(
        `SELECT fleet_id FROM ${PRINTERS_TABLE.name} WHERE id = $1 AND org_id = $2`,
        [printerId, orgId],
      );
      if (!printer) return;
      const [open]: { id: string; state: string }[] = await manager.query(
        `SELECT id, state FROM printer_state_intervals WHERE printer_id = $1 AND ended_at IS NULL FOR UPDATE`,
        [printerId],
      );
      if (open?.state === state) return;
      if (open)
        await manager.query(`UPDATE printer_state_intervals SET ended_at = GREATEST(started_at, $2) WHERE id = $1`, [
          open.id,
          at,
        ]);
      await manager.query(
        `INSERT INTO printer_state_intervals (org_id, printer_id, fleet_id, state, started_at) VALUES ($1, $2, $3, $4, $5)`,
        [orgId, printerId, printer.fleet_id, state, at],
      );
    });
  }
}
