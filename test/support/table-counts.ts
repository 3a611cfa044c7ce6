import type { DataSource } from 'typeorm';

/** Rows in every table of the schema (migrations' own bookkeeping left out): to prove a request wrote nothing. */
export async function tableRowCounts(dataSource: DataSource): Promise<Record<string, number>> {
  const tables = await dataSource.query<Array<{ name: string }>>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'migrations'
      ORDER BY table_name`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await dataSource.query<Array<{ count: string }>>(`SELECT count(*) AS count FROM "${name}"`);
    counts[name] = Number(row!.count);
  }
  return counts;
}
