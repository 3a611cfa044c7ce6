import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SpoolUsage } from '../entities/spool-usage.entity';
import { Spool } from '../entities/spool.entity';
import { SpoolmanConnection } from '../entities/spoolman-connection.entity';

/** A Spoolman spool as Farmhand mirrors it (spools row values). */
export interface MirroredSpool {
  spoolmanId: number;
  material: string;
  colorName: string | null;
  colorHex: string | null;
  vendor: string | null;
  diameterMm: number;
  initialGrams: number;
  remainingGrams: number;
  costCents: number | null;
  location: string | null;
  lot: string | null;
}

export interface PushCounts {
  pending: number;
  failed: number;
  sent: number;
}

/** The Spoolman connection, the mirrored spools and the usage waiting to be written there; scoped to one org. */
@Injectable()
export class SpoolmanRepository {
  constructor(private readonly dataSource: DataSource) {}

  connection(orgId: string, manager: EntityManager = this.dataSource.manager): Promise<SpoolmanConnection | null> {
    return manager.getRepository(SpoolmanConnection).findOne({ where: { orgId } });
  }

  async saveConnection(manager: EntityManager, values: Partial<SpoolmanConnection> & { orgId: string }) {
    await manager.getRepository(SpoolmanConnection).upsert(values, ['orgId']);
  }

  async deleteConnection(manager: EntityManager, orgId: string): Promise<boolean> {
    return ((await manager.getRepository(SpoolmanConnection).delete({ orgId })).affected ?? 0) > 0;
  }

  async noteResult(orgId: string, error: string | null, synced = false): Promise<void> {
    const now = new Date();
    await this.dataSource.getRepository(SpoolmanConnection).update(
      { orgId },
      {
        lastError: error?.slice(0, 300) ?? null,
        lastErrorAt: error ? now : null,
        ...(synced ? { lastSyncAt: now } : {}),
      },
    );
  }

  /**
   * Writes Spoolman's spools over their mirrors (inserting new ones), and archives (and unloads) mirrors of spools
   * Spoolman no longer lists. Returns how many mirrors are active.
   */
  async mirror(manager: EntityManager, orgId: string, spools: MirroredSpool[]): Promise<number> {
    const repository = manager.getRepository(Spool);
    for (let start = 0; start < spools.length; start += 500) {
      const chunk = spools.slice(start, start + 500).map((spool) => ({ ...spool, orgId, archivedAt: null }));
      await manager
        .createQueryBuilder()
        .insert()
        .into(Spool)
        .values(chunk)
        .orUpdate(
          [
            'material',
            'color_name',
            'color_hex',
            'vendor',
            'diameter_mm',
            'initial_grams',
            'remaining_grams',
            'cost_cents',
            'location',
            'lot',
            'archived_at',
          ],
          ['org_id', 'spoolman_id'],
          { indexPredicate: 'spoolman_id IS NOT NULL' },
        )
        .execute();
    }
    await repository
      .createQueryBuilder()
      .update()
      .set({ archivedAt: () => 'now()', printerId: null, slot: null, loadedAt: null })
      .where('org_id = :orgId AND spoolman_id IS NOT NULL AND archived_at IS NULL', { orgId })
      .andWhere('NOT (spoolman_id = ANY(:ids))', { ids: spools.map((spool) => spool.spoolmanId) })
      .execute();
    return spools.length;
  }

  /** Built-in spools leave the printers while Spoolman is the inventory (their rows and usage stay). */
  async unloadBuiltIn(manager: EntityManager, orgId: string): Promise<void> {
    await manager
      .getRepository(Spool)
      .createQueryBuilder()
      .update()
      .set({ printerId: null, slot: null, loadedAt: null })
      .where('org_id = :orgId AND spoolman_id IS NULL AND printer_id IS NOT NULL', { orgId })
      .execute();
  }

  /** Spoolman mirrors leave the printers and the lists when the organization goes back to the built-in inventory. */
  async archiveMirrors(manager: EntityManager, orgId: string): Promise<void> {
    await manager
      .getRepository(Spool)
      .createQueryBuilder()
      .update()
      .set({ archivedAt: () => 'now()', printerId: null, slot: null, loadedAt: null })
      .where('org_id = :orgId AND spoolman_id IS NOT NULL AND archived_at IS NULL', { orgId })
      .execute();
  }

  async updateMirrorWeight(orgId: string, spoolmanId: number, remainingGrams: number): Promise<void> {
    await this.dataSource.getRepository(Spool).update({ orgId, spoolmanId }, { remainingGrams });
  }

  /**
   * Holds a transaction-scoped advisory lock on one usage for `work`: two tries of one usage never overlap, while
   * the row itself stays writable (the baseline must be committed before the request goes out).
   */
  async exclusively<T>(usageId: string, work: () => Promise<T>): Promise<T | 'busy'> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = (await manager.query(`SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked`, [
        `spoolman-use:${usageId}`,
      ])) as { locked: boolean }[];
      return row?.locked ? work() : 'busy';
    });
  }

  /** The usage row with its spool's Spoolman id. */
  async usageWithSpool(
    orgId: string,
    usageId: string,
  ): Promise<{ usage: SpoolUsage; spoolmanId: number | null } | null> {
    const usage = await this.dataSource.getRepository(SpoolUsage).findOne({ where: { orgId, id: usageId } });
    if (!usage) return null;
    const spool = await this.dataSource.getRepository(Spool).findOne({ where: { orgId, id: usage.spoolId } });
    return { usage, spoolmanId: spool?.spoolmanId ?? null };
  }

  async updateUsage(
    id: string,
    changes: Partial<
      Pick<SpoolUsage, 'spoolmanState' | 'spoolmanBaselineUsed' | 'spoolmanTries' | 'spoolmanError' | 'spoolmanSentAt'>
    >,
  ): Promise<void> {
    await this.dataSource.getRepository(SpoolUsage).update({ id }, changes);
  }

  /** Failed pushes back to pending (an operator's retry); returns their ids. */
  async requeueFailed(orgId: string, limit = 1000): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `UPDATE spool_usages SET spoolman_state = 'pending', spoolman_error = NULL
        WHERE id IN (SELECT id FROM spool_usages WHERE org_id = $1 AND spoolman_state = 'failed'
                      ORDER BY recorded_at LIMIT $2)
        RETURNING id`,
      [orgId, limit],
    );
    return rows.map((row) => row.id);
  }

  /** Pending pushes older than `olderThanMs` (their enqueue may have been lost). */
  async stalePending(orgId: string, olderThanMs: number, limit = 1000): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM spool_usages WHERE org_id = $1 AND spoolman_state = 'pending'
          AND recorded_at < now() - ($2::int * interval '1 millisecond') ORDER BY recorded_at LIMIT $3`,
      [orgId, olderThanMs, limit],
    );
    return rows.map((row) => row.id);
  }

  async pushCounts(orgId: string): Promise<PushCounts> {
    const rows: { state: keyof PushCounts; count: string }[] = await this.dataSource.query(
      `SELECT spoolman_state AS state, count(*) AS count FROM spool_usages
        WHERE org_id = $1 AND spoolman_state IS NOT NULL GROUP BY spoolman_state`,
      [orgId],
    );
    const counts: PushCounts = { pending: 0, failed: 0, sent: 0 };
    for (const row of rows) if (row.state in counts) counts[row.state] = Number(row.count);
    return counts;
  }

  async recentFailures(orgId: string, limit = 20) {
    return this.dataSource.getRepository(SpoolUsage).find({
      where: { orgId, spoolmanState: 'failed' },
      order: { recordedAt: 'DESC', id: 'ASC' },
      take: limit,
    });
  }
}
