/**
 * The npm packages a role loads at run time, found by walking the import graph of its sources from its entry file
 * (relative imports and tsconfig path aliases followed; `import type` / `export type` skipped, as TypeScript erases
 * them). The image keeps only `dependencies` (npm prune --omit=dev), so a package outside them crashes the role.
 * Conservative: an import used only in types but not marked `type` counts as a run-time import, which it is anyway
 * when decorator metadata names it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

const BUILTINS = new Set(builtinModules);

/** Import and re-export specifiers of a TypeScript source that survive compilation. */
export function runtimeSpecifiers(source: string): string[] {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const specifiers: string[] = [];
  const statement = /(?:^|[;\n])\s*(import|export)\s+(type\s+)?([^;'"]*?)\s*from\s*['"]([^'"]+)['"]/g;
  for (const match of text.matchAll(statement)) {
    const [, , typeOnly, clause, specifier] = match;
    if (typeOnly) continue;
    const named = /^\{([\s\S]*)\}$/.exec(clause.trim());
    // `import { type A, type B } from 'x'` is erased like `import type`.
    if (named) {
      const names = named[1]
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean);
      if (names.length && names.every((name) => name.startsWith('type '))) continue;
    }
    specifiers.push(specifier);
  }
  for (const match of text.matchAll(/(?:^|[;\n])\s*import\s*['"]([^'"]+)['"]/g)) specifiers.push(match[1]);
  for (const match of text.matchAll(/\b(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g)) specifiers.push(match[1]);
  return specifiers;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export interface RuntimeImports {
  /** package -> the first repository file found importing it */
  packages: Map<string, string>;
  files: Set<string>;
}

export function runtimeImports(root: string, entry: string, aliases: Record<string, string>): RuntimeImports {
  const packages = new Map<string, string>();
  const files = new Set<string>();
  const resolveFile = (base: string): string | null => {
    for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
      if (candidate.endsWith('.ts') && existsSync(candidate)) return candidate;
    }
    return null;
  };
  const pending = [resolve(root, entry)];
  while (pending.length) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of runtimeSpecifiers(readFileSync(file, 'utf8'))) {
      let target: string | null = null;
      if (specifier.startsWith('.')) target = resolveFile(resolve(dirname(file), specifier));
      else if (aliases[specifier]) target = resolveFile(resolve(root, aliases[specifier]));
      else {
        const name = packageName(specifier.replace(/^node:/, ''));
        if (!specifier.startsWith('node:') && !BUILTINS.has(name) && !packages.has(name)) {
          packages.set(name, relative(root, file));
        }
        continue;
      }
      if (target === null) {
        if (/\.(json|node)$/.test(specifier)) continue;
        throw new Error(`${relative(root, file)}: cannot resolve ${specifier}`);
      }
      pending.push(target);
    }
  }
  return { packages, files };
}
