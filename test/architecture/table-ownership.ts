import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The static check behind "each table has one owning library" (docs/architecture.md): finds every place a library
 * or an app touches a table its library does not own, through TypeORM (`@InjectRepository(X)`, `getRepository(X)`,
 * `manager.update(X, …)`, a join on a relation to another library's entity) or raw SQL naming the table. The map is
 * data: scripts/architecture/libraries.json `tables`.
 */
export interface Touch {
  file: string;
  line: number;
  table: string;
  owner: string;
  how: string;
}

export interface OwnershipModel {
  /** table -> owning library */
  tables: Record<string, string>;
  /** entity class -> table */
  entities: Record<string, string>;
  /** library -> relation properties of its entities that point at another library's entity */
  foreignRelations: Record<string, Record<string, string>>;
  /** constant -> table: the tables owners share for reading inside other libraries' SQL (`sharedTable`) */
  sharedTables: Record<string, string>;
}

const TYPEORM_CALLS = [
  'InjectRepository',
  'getRepository',
  'getTreeRepository',
  'withRepository',
  'createQueryBuilder',
  'from',
  'Repository',
  '(?:inner|left)Join(?:AndSelect|AndMapOne|AndMapMany)?',
  '(?:find|findOne|findBy|findOneBy|findAndCount|findAndCountBy|exists|existsBy|count|countBy|save|insert|update|delete|upsert|increment|decrement|remove|softDelete|restore|sum|average|minimum|maximum|create|merge|preload|clear)(?:OrFail)?',
];
const SQL_VERBS = String.raw`\b(?:from|join|into|update|delete\s+from|truncate|table)\s+(?:only\s+)?"?`;

/** Comments removed (line structure kept), so prose such as "the printers of a fleet" is not SQL. */
function stripComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:'"`\\])\/\/[^\n]*/g, '$1');
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** Every touch of a table that `library` (null: an app, which owns none) does not own in `text`. */
export function foreignTouches(model: OwnershipModel, library: string | null, file: string, source: string): Touch[] {
  const text = stripComments(source);
  const touches: Touch[] = [];
  const add = (index: number, table: string, how: string) =>
    touches.push({ file, line: lineOf(text, index), table, owner: model.tables[table]!, how });

  const isEntityFile = /\/entities\/[^/]+\.entity\.ts$/.test(file);
  for (const [entity, table] of Object.entries(model.entities)) {
    if (model.tables[table] === library) continue;
    // An entity's relation to another library's entity declares a foreign key; it reads nothing.
    if (isEntityFile) continue;
    const calls = new RegExp(String.raw`\b(?:${TYPEORM_CALLS.join('|')})\s*[(<]\s*${entity}\b`, 'g');
    for (const match of text.matchAll(calls)) add(match.index, table, `TypeORM ${match[0].replace(/\s+/g, '')}`);
    const managerCalls = new RegExp(String.raw`\bmanager\s*\.\s*\w+\(\s*${entity}\b`, 'g');
    for (const match of text.matchAll(managerCalls)) add(match.index, table, `TypeORM ${match[0].replace(/\s+/g, '')}`);
  }
  for (const table of Object.keys(model.tables)) {
    if (model.tables[table] === library) continue;
    const sql = new RegExp(String.raw`${SQL_VERBS}${table}"?(?![\w.-])`, 'gi');
    for (const match of text.matchAll(sql)) add(match.index, table, `SQL "${match[0].replace(/\s+/g, ' ')}"`);
    const named = new RegExp(String.raw`\.(?:from|\w*[jJ]oin\w*|into|update|delete)\(\s*['"\`]${table}['"\`]`, 'g');
    for (const match of text.matchAll(named)) add(match.index, table, `TypeORM ${match[0]}`);
  }
  // A shared table is read-only: no INSERT, UPDATE, DELETE or TRUNCATE through it.
  for (const [constant, table] of Object.entries(model.sharedTables)) {
    if (model.tables[table] === library) continue;
    const writes = new RegExp(
      String.raw`\b(?:into|update|delete\s+from|truncate)\s+(?:only\s+)?\$\{\s*${constant}\.name\s*\}`,
      'gi',
    );
    for (const match of text.matchAll(writes)) add(match.index, table, `write through ${constant}`);
  }
  // Joins and loads along a relation of this library's entities to another library's table.
  for (const [property, table] of Object.entries(library ? (model.foreignRelations[library] ?? {}) : {})) {
    const joins = new RegExp(
      String.raw`[jJ]oin\w*\(\s*['"\`]\w+\.${property}['"\`]|\brelations\s*:\s*[{[][^}\]]*\b${property}\b`,
      'g',
    );
    for (const match of text.matchAll(joins)) add(match.index, table, `relation ${property}`);
  }
  const seen = new Set<string>();
  return touches.filter((touch) => {
    const key = `${touch.line} ${touch.table}`;
    return !seen.has(key) && seen.add(key);
  });
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .filter((entry) => !/\.(spec|medium-spec|e2e-spec)\.ts$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The model read from the map and the entities: which library each entity's file lives in, and its relations. */
export function loadModel(root: string): OwnershipModel & { entityLibraries: Record<string, string> } {
  const { tables } = JSON.parse(readFileSync(join(root, 'scripts/architecture/libraries.json'), 'utf8')) as {
    tables: Record<string, string>;
  };
  const entities: Record<string, string> = {};
  const entityLibraries: Record<string, string> = {};
  const relations: Array<{ library: string; property: string; entity: string }> = [];
  for (const library of readdirSync(join(root, 'libs'))) {
    for (const file of sourceFiles(join(root, 'libs', library, 'src')).filter((f) => f.endsWith('.entity.ts'))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/@Entity\(\s*'(\w+)'[\s\S]*?export class (\w+)/g)) {
        entities[match[2]!] = match[1]!;
        entityLibraries[match[1]!] = library;
      }
      for (const match of text.matchAll(
        /@(?:ManyToOne|OneToOne|OneToMany|ManyToMany)\(\s*\(\)\s*=>\s*(\w+)[\s\S]*?\)\s*(?:@\w+\([^)]*\)\s*)*(\w+)[!?]?:/g,
      )) {
        relations.push({ library, entity: match[1]!, property: match[2]! });
      }
    }
  }
  const sharedTables: Record<string, string> = {};
  for (const library of readdirSync(join(root, 'libs'))) {
    for (const file of sourceFiles(join(root, 'libs', library, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/export const (\w+) = sharedTable\(\s*'(\w+)'/g))
        sharedTables[match[1]!] = match[2]!;
    }
  }
  const foreignRelations: Record<string, Record<string, string>> = {};
  for (const { library, entity, property } of relations) {
    const table = entities[entity];
    if (table && tables[table] !== library) (foreignRelations[library] ??= {})[property] = table;
  }
  return { tables, entities, foreignRelations, sharedTables, entityLibraries };
}

/** Every foreign touch in libs/*\/src and apps/*\/src (the dashboard excepted: it has no database). */
export function scanRepository(root: string): Touch[] {
  const model = loadModel(root);
  const touches: Touch[] = [];
  const scan = (directory: string, library: string | null) => {
    for (const file of sourceFiles(directory)) {
      touches.push(...foreignTouches(model, library, relative(root, file), readFileSync(file, 'utf8')));
    }
  };
  for (const library of readdirSync(join(root, 'libs'))) scan(join(root, 'libs', library, 'src'), library);
  for (const app of readdirSync(join(root, 'apps')).filter((app) => app !== 'web'))
    scan(join(root, 'apps', app, 'src'), null);
  return touches;
}
