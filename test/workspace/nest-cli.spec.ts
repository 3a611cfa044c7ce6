import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const read = (path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));
const folders = (parent: string) =>
  readdirSync(join(ROOT, parent), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

interface Project {
  type: 'application' | 'library';
  root: string;
  sourceRoot: string;
  entryFile: string;
}

/** nest-cli.json is the monorepo's map for Nest's code generators: every app and every library, where they are. */
describe('nest-cli.json', () => {
  const projects = read('nest-cli.json').projects as Record<string, Project>;

  it('lists every app and every library, and nothing else', () => {
    const expected = [...folders('apps'), ...folders('libs')].sort();
    expect(Object.keys(projects).sort()).toEqual(expected);
  });

  it.each(folders('apps').map((name) => [name]))('describes apps/%s where it is', (name) => {
    const project = projects[name]!;
    expect(project).toMatchObject({ type: 'application', root: `apps/${name}`, sourceRoot: `apps/${name}/src` });
    const entry = join(ROOT, project.sourceRoot, project.entryFile);
    expect(existsSync(`${entry}.ts`) || existsSync(`${entry}.tsx`)).toBe(true);
  });

  it.each(folders('libs').map((name) => [name, name]))('describes libs/%s, the library behind @farmhand/%s', (name) => {
    const project = projects[name]!;
    expect(project).toMatchObject({ type: 'library', root: `libs/${name}`, sourceRoot: `libs/${name}/src` });
    expect(existsSync(join(ROOT, project.sourceRoot, `${project.entryFile}.ts`))).toBe(true);
    expect(read('tsconfig.json').compilerOptions.paths[`@farmhand/${name}`]).toEqual([`./libs/${name}/src/index.ts`]);
  });
});
