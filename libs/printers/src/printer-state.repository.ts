import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface SeenPrinter {
  state: string;
  detection: Record<string, unknown>;
}

/** The persisted side of presence: `printers.state` transitions and coarse `last_seen_at` checkpoints. */
@Injectable()
export class PrinterStateRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Stamps `last_seen_at` and returns what the connection needs of the row; null when the printer is gone. */
  async markSeen(printerId: string, orgId: string, at: Date): Promise<SeenPrinter | null> {
    const rows: SeenPrinter[] = await this.dataSource.query(
      `WITH updated AS (
         UPDATE printers SET last_seen_at = $3 WHERE id = $1 AND org_id = $2 RETURNING state, detection
       ) SELECT state, detection FROM updated`,
      [printerId, orgId, at],
    );
    return rows[0] ?? null;
  }

  /**
   * Moves `printers.state` to `to` atomically (the row is locked while compared) and returns the state it held,
   * or null when it already was `to` or the printer is gone: a transition is reported exactly once, whichever
   * instance persists it.
   */
  async transition(printerId: string, orgId: string, to: string, at: Date): Promise<string | null> {
    const rows: Array<{ from: string }> = await this.dataSource.query(
      `WITH previous AS (
         SELECT id, state FROM printers WHERE id = $1 AND org_id = $2 FOR UPDATE
       ), updated AS (
         UPDATE printers AS printer SET state = $3, last_seen_at = $4
         FROM previous WHERE printer.id = previous.id AND previous.state IS DISTINCT FROM $3
         RETURNING previous.state AS "from"
       ) SELECT "from" FROM updated`,
      [printerId, orgId, to, at],
    );
    return rows[0]?.from ?? null;
  }

  /** Records the formats the printer's agent announced it uploads (its hello's `upload.<format>` capabilities). */
  async setUploadFormats(printerId: string, orgId: string, formats: string[]): Promise<void> {
    await this.dataSource.query(
      `UPDATE printers SET upload_formats = $3 WHERE id = $1 AND org_id = $2 AND upload_formats IS DISTINCT FROM $3`,
      [printerId, orgId, formats],
    );
  }

  async touch(printerId: string, orgId: string, at: Date): Promise<void> {
    await this.dataSource.query('UPDATE printers SET last_seen_at = $3 WHERE id = $1 AND org_id = $2', [
      printerId,
      orgId,
      at,
    ]);
  }
}
