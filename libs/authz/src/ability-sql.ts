import { rulesToAST } from '@casl/ability/extra';
import type { AppAbility } from './define-ability';
import type { Action, SubjectType } from './vocabulary';

/** Where a condition's field lives in a query, and its Postgres type (parameters are cast to it). */
export interface ConditionColumn {
  column: string;
  type: 'uuid' | 'uuid[]' | 'text' | 'text[]';
}

/** A subject's condition fields mapped to columns, e.g. `{ orgId: …, fleetId: … }` for printers. */
export type ConditionColumns = Record<string, ConditionColumn>;

/** A WHERE fragment with TypeORM-style named parameters (`:name`). */
export interface SqlCondition {
  sql: string;
  parameters: Record<string, unknown>;
}

interface AstNode {
  operator: string;
  value: unknown;
  field?: string;
}

/** The field CASL gives an `$elemMatch` over plain values (`{ fleetIds: { $elemMatch: { $in: [...] } } }`). */
const ITSELF = '__itself__';

/**
 * Thrown while building a filter for a rule the SQL cannot express (an unknown field or operator). Never skipped:
 * dropping a condition would widen the list, which is the very failure this translation exists to prevent.
 */
export class UntranslatableConditionError extends Error {
  override readonly name = 'UntranslatableConditionError';
}

/**
 * The rows of `subjectType` that `ability` may `action`, as a SQL condition: CASL's own rules for the subject,
 * flattened by `rulesToAST` (every `can` rule OR-ed, each bounded by the `cannot` rules), then translated field by
 * field through `columns`. Lists use this instead of restating the conditions, so a list shows exactly the rows
 * the per-record check (`ability.can(action, subject(…, row))`) allows; no rule at all gives `FALSE`.
 * Every leaf is wrapped so that NULL reads as false, so a NOT over it stays two-valued like CASL's matcher.
 */
export function accessibleWhere(
  ability: AppAbility,
  action: Action,
  subjectType: SubjectType,
  columns: ConditionColumns,
  parameterPrefix = 'ability',
): SqlCondition {
  const ast = rulesToAST(ability, action, subjectType) as AstNode | null;
  const parameters: Record<string, unknown> = {};
  if (!ast) return { sql: 'FALSE', parameters };
  let count = 0;
  const bind = (value: unknown, type: string): string => {
    const name = `${parameterPrefix}_${count++}`;
    parameters[name] = value;
    return `CAST(:${name} AS ${type})`;
  };
  const columnOf = (field: string | undefined): ConditionColumn => {
    const column = field === undefined ? undefined : columns[field];
    if (!column)
      throw new UntranslatableConditionError(`${subjectType}: no column for condition field "${String(field)}"`);
    return column;
  };
  const listOf = (value: unknown): unknown[] => {
    if (!Array.isArray(value)) throw new UntranslatableConditionError(`${subjectType}: expected a list`);
    return value;
  };

  const translate = (node: AstNode): string => {
    switch (node.operator) {
      case 'and':
      case 'or': {
        const parts = (node.value as AstNode[]).map(translate);
        if (!parts.length) return node.operator === 'and' ? 'TRUE' : 'FALSE';
        return `(${parts.join(node.operator === 'and' ? ' AND ' : ' OR ')})`;
      }
      case 'not':
        return `(NOT ${translate({ operator: 'and', value: node.value })})`;
      case 'eq':
      case 'ne': {
        const column = columnOf(node.field);
        if (column.type.endsWith('[]'))
          throw new UntranslatableConditionError(`${subjectType}.${node.field}: equality on a list`);
        const test =
          node.value === null
            ? `${column.column} IS NULL`
            : `COALESCE(${column.column} = ${bind(node.value, column.type)}, FALSE)`;
        return node.operator === 'eq' ? `(${test})` : `(NOT (${test}))`;
      }
      case 'in':
      case 'nin': {
        const column = columnOf(node.field);
        if (column.type.endsWith('[]'))
          throw new UntranslatableConditionError(`${subjectType}.${node.field}: $in on a list (use $elemMatch)`);
        const values = listOf(node.value);
        const present = values.filter((value) => value !== null);
        const tests = [`COALESCE(${column.column} = ANY(${bind(present, `${column.type}[]`)}), FALSE)`];
        if (present.length < values.length) tests.push(`${column.column} IS NULL`);
        const test = `(${tests.join(' OR ')})`;
        return node.operator === 'in' ? test : `(NOT ${test})`;
      }
      case 'elemMatch': {
        const column = columnOf(node.field);
        const inner = node.value as AstNode;
        if (!column.type.endsWith('[]') || inner.field !== ITSELF || !['in', 'nin'].includes(inner.operator))
          throw new UntranslatableConditionError(
            `${subjectType}.${node.field}: only $elemMatch with $in or $nin over a list column`,
          );
        const list = bind(listOf(inner.value), column.type);
        // Some element in the list: overlap. Some element outside it: the column is not contained in the list.
        return inner.operator === 'in'
          ? `COALESCE(${column.column} && ${list}, FALSE)`
          : `COALESCE(NOT (${column.column} <@ ${list}), FALSE)`;
      }
      default:
        throw new UntranslatableConditionError(`${subjectType}: operator "${node.operator}" has no SQL translation`);
    }
  };

  return { sql: translate(ast), parameters };
}

/** The same condition for a raw query with positional parameters, numbered from `$first`. */
export function toPositional(condition: SqlCondition, first: number): { sql: string; values: unknown[] } {
  const values: unknown[] = [];
  const sql = condition.sql.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (match, name: string) => {
    if (!(name in condition.parameters)) return match;
    values.push(condition.parameters[name]);
    return `$${first + values.length - 1}`;
  });
  return { sql, values };
}
