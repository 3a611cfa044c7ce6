/**
 * A table its owning library lets other libraries read inside their own SQL, for the reads a read provider cannot
 * serve: one statement that must join, filter, page or lock across both libraries' tables (a list scoped by the
 * printer's fleet, the scheduler's pass over ready printers). Read-only: the ownership check
 * (test/architecture/table-ownership.spec.ts) reports a write through it. `columns` are what the owner promises to
 * keep; a reader uses no others. The owner exports it from its index.ts, so every reader imports it by name.
 */
export interface SharedTable {
  readonly name: string;
  readonly columns: readonly string[];
}

export function sharedTable(name: string, columns: readonly string[]): SharedTable {
  return Object.freeze({ name, columns: Object.freeze([...columns]) });
}
