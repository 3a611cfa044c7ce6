import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { foreignTouches, loadModel, scanRepository, type OwnershipModel } from './table-ownership';

const root = join(__dirname, '../..');

describe('each table has one owning library (scripts/architecture/libraries.json)', () => {
  const model = loadModel(root);

  it('knows the shared tables the owners export', () => {
    expect(model.sharedTables).toEqual({
      PRINTERS_TABLE: 'printers',
      FLEETS_TABLE: 'fleets',
      GCODE_FILES_TABLE: 'gcode_files',
      PRINT_ATTEMPTS_TABLE: 'print_attempts',
      // libs/reports' rollups read the print history, its spools and the detector's alerts in one statement each.
      PRINT_JOBS_TABLE: 'print_jobs',
      PRINT_COPIES_TABLE: 'print_copies',
      SPOOLS_TABLE: 'spools',
      SPOOL_USAGES_TABLE: 'spool_usages',
      DETECTION_ALERTS_TABLE: 'detection_alerts',
    });
  });

  it('maps every table the migrations create, and each entity to the library its file lives in', () => {
    const created = new Set<string>();
    for (const file of readdirSync(join(root, 'migrations')).filter((name) => /^\d+-.+\.ts$/.test(name))) {
      const text = readFileSync(join(root, 'migrations', file), 'utf8');
      for (const match of text.matchAll(/CREATE TABLE "(\w+)"/g)) created.add(match[1]!);
      for (const match of text.matchAll(/DROP TABLE "(\w+)"/g)) if (!/down\(/.test(text)) created.delete(match[1]!);
    }
    expect([...created].sort()).toEqual(Object.keys(model.tables).sort());
    expect(model.entityLibraries).toEqual(
      Object.fromEntries(Object.keys(model.entityLibraries).map((table) => [table, model.tables[table]])),
    );
    expect(Object.keys(model.entityLibraries).sort()).toEqual(Object.keys(model.tables).sort());
  });

  it('finds no library or app touching a table it does not own', () => {
    const touches = scanRepository(root).map(
      (touch) => `${touch.file}:${touch.line} ${touch.how} touches ${touch.table}, owned by ${touch.owner}`,
    );
    expect(touches).toEqual([]);
  });

  describe('the check itself', () => {
    const sample: OwnershipModel = {
      tables: { printers: 'printers', print_jobs: 'jobs' },
      entities: { Printer: 'printers', PrintJob: 'print_jobs' },
      foreignRelations: { jobs: { printer: 'printers' } },
      sharedTables: { PRINTERS_TABLE: 'printers' },
    };
    const found = (library: string, text: string) =>
      foreignTouches(sample, library, 'libs/x/src/x.repository.ts', text).map((touch) => touch.table);

    it.each([
      ['an injected repository', '@InjectRepository(Printer) private readonly printers: Repository<Printer>'],
      ['getRepository', 'manager.getRepository(Printer).update({ id }, { state })'],
      ['an EntityManager call', 'await manager.update(Printer, { id }, { state })'],
      ['a query builder', "dataSource.createQueryBuilder(Printer, 'p')"],
      ['raw SQL', 'await manager.query(`UPDATE printers SET state = $1`, [state])'],
      ['a join in raw SQL', 'query(\'SELECT j.id FROM print_jobs j JOIN "printers" p ON p.id = j.printer_id\')'],
      ['a table named in a query builder', ".from('printers', 'p')"],
      ['a join along a relation', ".leftJoin('copy.printer', 'p')"],
      ['a write through a shared table', 'manager.query(`UPDATE ${PRINTERS_TABLE.name} SET state = $1`)'],
    ])('reports %s', (_, text) => {
      expect(found('jobs', text)).toContain('printers');
    });

    it('accepts a read through a shared table', () => {
      expect(found('jobs', 'query(`SELECT p.id FROM ${PRINTERS_TABLE.name} p JOIN print_jobs j ON true`)')).toEqual([]);
    });

    it('leaves the owner, service names and prose alone', () => {
      expect(found('printers', 'manager.getRepository(Printer); UPDATE printers SET state = 1')).toEqual([]);
      expect(found('jobs', 'PrintersService.get(); // reads from printers\nconst printers = []; printerState')).toEqual(
        [],
      );
      expect(found('jobs', "throw conflict('Move the printers of this fleet first'); FROM print_jobs j")).toEqual([]);
    });
  });
});
