import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Proves the dependency rules bite: the repository's own .dependency-cruiser.cjs (and the layer data it reads) runs
 * over a scratch tree where each file breaks one rule, and each break is reported under its rule. `npm test` runs the
 * same rules over the real tree (scripts/check-boundaries.sh).
 */
const root = join(__dirname, '../..');
const CLI = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

function cruise(files: Record<string, string>): Violation[] {
  const scratch = mkdtempSync(join(tmpdir(), 'farmhand-boundaries-'));
  try {
    for (const file of [
      '.dependency-cruiser.cjs',
      'tsconfig.json',
      'apps/web/tsconfig.json',
      'scripts/architecture/libraries.json',
      'scripts/architecture/web-aliases.cjs',
    ]) {
      mkdirSync(dirname(join(scratch, file)), { recursive: true });
      copyFileSync(join(root, file), join(scratch, file));
    }
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(scratch, file)), { recursive: true });
      writeFileSync(join(scratch, file), text);
    }
    const output = execFileSync(
      process.execPath,
      [CLI, 'libs', 'apps', 'scripts', '--config', '.dependency-cruiser.cjs', '--output-type', 'json', '--no-progress'],
      { cwd: scratch, encoding: 'utf8', maxBuffer: 32 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return (JSON.parse(output) as { summary: { violations: Violation[] } }).summary.violations;
  } catch (error) {
    // depcruise exits non-zero when it finds violations; its report is still on stdout.
    const stdout = (error as { stdout?: string }).stdout;
    if (!stdout) throw error;
    return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const LIBRARIES = ['core', 'authz', 'audit', 'accounts', 'printers', 'enrollment', 'files', 'jobs', 'dashboard'];
const doors = Object.fromEntries(
  LIBRARIES.map((library) => [`libs/${library}/src/index.ts`, 'export const door = 1;\n']),
);

describe('dependency rules (.dependency-cruiser.cjs)', () => {
  let violations: Violation[];

  beforeAll(() => {
    violations = cruise({
      ...doors,
      // Allowed: a library importing a lower layer through its alias; the dashboard importing a shared file.
      'libs/jobs/src/allowed.ts': "export * from '@farmhand/printers';\nexport * from '@farmhand/files';\n",
      'libs/authz/src/vocabulary.ts': 'export const actions = [];\n',
      'apps/web/src/allowed.ts': "export * from '@farmhand/authz-vocabulary';\n",
      // Violations, one rule each.
      'libs/core/src/upward.ts': "export * from '@farmhand/printers';\n",
      'libs/enrollment/src/sideways.ts': "export * from '@farmhand/files';\n",
      'libs/printers/src/above.ts': "export * from '@farmhand/jobs';\n",
      'libs/jobs/src/deep.ts': "export * from '../../printers/src/printers.repository';\n",
      'libs/printers/src/printers.repository.ts': 'export const repository = 1;\n',
      'scripts/demo/deep.ts': "export * from '../../libs/enrollment/src/csv/columns';\n",
      'libs/enrollment/src/csv/columns.ts': 'export const columns = [];\n',
      'libs/accounts/src/uses-app.ts': "export * from '../../../apps/api/src/main';\n",
      'apps/api/src/main.ts': "export * from '../../worker/src/main';\n",
      'apps/worker/src/main.ts': 'export const worker = 1;\n',
      'apps/web/src/server-code.ts': "export * from '../../../libs/printers/src/index';\n",
      'libs/audit/src/a.ts': "export * from './b';\n",
      'libs/audit/src/b.ts': "export * from './a';\n",
      'libs/dashboard/src/misspelt.ts': "export * from '@farmhand/printres';\n",
    });
  });

  const reported = (from: string) => violations.filter((violation) => violation.from === from).map((v) => v.rule.name);

  it('reports a library importing a higher layer (core importing printers)', () => {
    expect(reported('libs/core/src/upward.ts')).toContain('layer-order:core');
    expect(reported('libs/printers/src/above.ts')).toContain('layer-order:printers');
  });

  it('reports a library importing a sibling of its own layer (enrollment importing files)', () => {
    expect(reported('libs/enrollment/src/sideways.ts')).toEqual(['layer-order:enrollment']);
  });

  it("reports a deep import into another library's src/, from a library or from a script", () => {
    expect(reported('libs/jobs/src/deep.ts')).toEqual(['no-deep-import-between-libraries']);
    expect(reported('scripts/demo/deep.ts')).toEqual(['no-deep-import']);
  });

  it('reports a library importing an app, and an app importing another app', () => {
    expect(reported('libs/accounts/src/uses-app.ts')).toEqual(['libs-never-import-apps']);
    expect(reported('apps/api/src/main.ts')).toEqual(['apps-do-not-import-each-other']);
  });

  it('reports the dashboard importing server code other than its shared files', () => {
    expect(reported('apps/web/src/server-code.ts')).toEqual(['web-imports-only-shared']);
    expect(reported('apps/web/src/allowed.ts')).toEqual([]);
  });

  it('reports an import cycle and an alias that resolves to nothing', () => {
    expect(reported('libs/audit/src/a.ts')).toContain('no-circular');
    expect(reported('libs/dashboard/src/misspelt.ts')).toEqual(['resolvable']);
  });

  it('accepts imports of lower layers through their alias', () => {
    expect(reported('libs/jobs/src/allowed.ts')).toEqual([]);
  });
});
