import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { PrinterDefaultsRepository, resolveDefaults, type DefaultFields } from './defaults/printer-defaults.repository';
import { Printer, type DetectionSettings } from './entities/printer.entity';

export interface NewPrinter {
  orgId: string;
  fleetId: string;
  name: string;
  model: string;
  serial: string | null;
  nozzleDiameter: number | null;
  buildX: number | null;
  buildY: number | null;
  buildZ: number | null;
  material: string | null;
  tags: string[];
}

/** What an import needs to know about a printer that may already exist. */
export interface ExistingPrinter {
  id: string;
  name: string;
  serial: string | null;
  fleetId: string;
}

const COLUMNS = [
  'fleet_id',
  'name',
  'model',
  'serial',
  'nozzle_diameter',
  'build_x',
  'build_y',
  'build_z',
  'material',
  'tags',
] as const;
const ARRAY_TYPES = ['uuid', 'text', 'text', 'text', 'real', 'real', 'real', 'real', 'text', 'text'] as const;

/** What a new printer takes from its organization's and fleet's defaults: what the enrollment did not set. */
function withDefaults(
  printer: NewPrinter,
  defaults: DefaultFields,
): NewPrinter & { detection: Partial<DetectionSettings>; autoEject: boolean } {
  const detection: Partial<DetectionSettings> = {};
  if (defaults.autoPause !== null) detection.autoPause = defaults.autoPause;
  if (defaults.sensitivity !== null) detection.sensitivity = defaults.sensitivity;
  if (defaults.frameIntervalSeconds !== null) detection.frameIntervalSeconds = defaults.frameIntervalSeconds;
  return {
    ...printer,
    material: printer.material ?? defaults.material,
    detection,
    // The bed-clear gate off: the printer clears its own plate (auto-eject). Unset: the built-in gate stays on.
    autoEject: defaults.bedClearGate === false,
  };
}

/**
 * Printers as enrollment writes them: one for a pairing or a token, thousands in one statement for a CSV import.
 * Every new printer takes the defaults of its organization and fleet (`printer_defaults`) for what the enrollment
 * leaves unset: all three enrollment paths come through here, so none can forget them.
 */
@Injectable()
export class EnrolledPrintersRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly defaults: PrinterDefaultsRepository,
  ) {}

  async insert(manager: EntityManager, printer: NewPrinter): Promise<Printer> {
    const defaults = resolveDefaults(await this.defaults.listForOrg(printer.orgId, manager), printer.fleetId);
    const repository = manager.getRepository(Printer);
    return repository.save(repository.create(withDefaults(printer, defaults)));
  }

  /** The printer a token is bound to, locked for the redemption's transaction. */
  findForUpdate(manager: EntityManager, orgId: string, id: string): Promise<Printer | null> {
    return manager
      .getRepository(Printer)
      .createQueryBuilder('printer')
      .setLock('pessimistic_write')
      .where('printer.id = :id AND printer.orgId = :orgId', { id, orgId })
      .getOne();
  }

  /** Names in the organization equal to `base` or shaped `base-<n>`. */
  async namesLike(manager: EntityManager, orgId: string, base: string): Promise<string[]> {
    const pattern = `${base.replace(/[\\%_]/g, '\\$&')}-%`;
    const rows: Array<{ name: string }> = await manager.query(
      `SELECT name FROM printers WHERE org_id = $1 AND (name = $2 OR name LIKE $3)`,
      [orgId, base, pattern],
    );
    return rows.map((row) => row.name);
  }

  /** Printers of the organization having one of these serials or names (10,000 of each at most). */
  async findBySerialsOrNames(
    manager: EntityManager | null,
    orgId: string,
    serials: string[],
    names: string[],
  ): Promise<ExistingPrinter[]> {
    return (manager ?? this.dataSource.manager).query(
      `SELECT id, name, serial, fleet_id AS "fleetId" FROM printers
        WHERE org_id = $1 AND (serial = ANY($2::text[]) OR name = ANY($3::text[]))`,
      [orgId, serials, names],
    );
  }

  /** Inserts printers with one statement per call; returns name -> id (names are unique in an organization). */
  async insertMany(manager: EntityManager, orgId: string, printers: NewPrinter[]): Promise<Map<string, string>> {
    if (printers.length === 0) return new Map();
    const rows = await this.defaults.listForOrg(orgId, manager);
    const complete = printers.map((printer) => withDefaults(printer, resolveDefaults(rows, printer.fleetId)));
    const inserted: Array<{ id: string; name: string }> = await manager.query(
      `INSERT INTO printers (org_id, ${COLUMNS.join(', ')}, detection, auto_eject)
       SELECT $1, ${COLUMNS.map((column) => (column === 'tags' ? `string_to_array(v.tags, '|')` : `v.${column}`)).join(', ')},
              v.detection, v.auto_eject
         FROM unnest(${ARRAY_TYPES.map((type, index) => `$${index + 2}::${type}[]`).join(', ')},
                     $${ARRAY_TYPES.length + 2}::jsonb[], $${ARRAY_TYPES.length + 3}::boolean[])
              AS v(${COLUMNS.join(', ')}, detection, auto_eject)
       RETURNING id, name`,
      [
        orgId,
        ...columnArrays(complete),
        complete.map((printer) => JSON.stringify(printer.detection)),
        complete.map((printer) => printer.autoEject),
      ],
    );
    return new Map(inserted.map((row) => [row.name, row.id]));
  }

  /** Updates printers (matched by id within the organization) with one statement per call. */
  async updateMany(manager: EntityManager, orgId: string, printers: Array<NewPrinter & { id: string }>): Promise<void> {
    if (printers.length === 0) return;
    await manager.query(
      `UPDATE printers AS p
          SET ${COLUMNS.map((column) => `${column} = ${column === 'tags' ? `string_to_array(v.tags, '|')` : `v.${column}`}`).join(', ')},
              updated_at = now()
         FROM unnest($2::uuid[], ${ARRAY_TYPES.map((type, index) => `$${index + 3}::${type}[]`).join(', ')})
              AS v(id, ${COLUMNS.join(', ')})
        WHERE p.id = v.id AND p.org_id = $1`,
      [orgId, printers.map((printer) => printer.id), ...columnArrays(printers)],
    );
  }
}

/** Column-wise arrays for unnest(). Tags cannot contain `|` (the CSV separates them with it), so they travel joined. */
function columnArrays(printers: NewPrinter[]): unknown[][] {
  return [
    printers.map((printer) => printer.fleetId),
    printers.map((printer) => printer.name),
    printers.map((printer) => printer.model),
    printers.map((printer) => printer.serial),
    printers.map((printer) => printer.nozzleDiameter),
    printers.map((printer) => printer.buildX),
    printers.map((printer) => printer.buildY),
    printers.map((printer) => printer.buildZ),
    printers.map((printer) => printer.material),
    printers.map((printer) => printer.tags.join('|')),
  ];
}
