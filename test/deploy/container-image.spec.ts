/**
 * Static checks of deploy/Dockerfile, its entrypoint, .dockerignore and deploy/compose.yaml (no Docker engine runs
 * here): the image runs as a non-root user, the entrypoint knows every role, and every file the entrypoint starts is
 * one the build produces.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { runtimeImports, runtimeSpecifiers } from './support/runtime-imports';

const ROOT = join(__dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const ROLES = ['api', 'worker', 'inference', 'migrate', 'agent'];

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  base: string;
  name: string;
  instructions: Instruction[];
}

/** Stages of a Dockerfile: FROM lines with their instructions, continuation lines joined, comments dropped. */
function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === 'FROM') {
      const [, base, name] = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      stages.push({ base, name: name ?? String(stages.length), instructions: [] });
    } else if (stages.length) {
      stages[stages.length - 1].instructions.push({ keyword: keyword.toUpperCase(), args: args.replace(/\s+/g, ' ') });
    }
  }
  return stages;
}

const stages = parseDockerfile(read('deploy/Dockerfile'));
const stage = (name: string) => {
  const found = stages.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found;
};
/** The stage and the stages it is built FROM, nearest first. */
const lineage = (name: string): Stage[] => {
  const chain: Stage[] = [];
  for (
    let current = stages.find((s) => s.name === name);
    current;
    current = stages.find((s) => s.name === current!.base)
  ) {
    chain.push(current);
  }
  return chain;
};
/** The last value an instruction had in a stage, inherited through its FROM stages. */
const effective = (name: string, keyword: string): string | undefined => {
  for (const ancestor of lineage(name)) {
    const found = ancestor.instructions.filter((instruction) => instruction.keyword === keyword).pop();
    if (found) return found.args;
  }
  return undefined;
};
const runs = (name: string) =>
  stage(name)
    .instructions.filter((instruction) => instruction.keyword === 'RUN')
    .map((instruction) => instruction.args)
    .join(' && ');

/** The `role) exec ...` branches of the entrypoint's case statement. */
function entrypointRoles(): Map<string, string> {
  const roles = new Map<string, string>();
  for (const match of read('deploy/docker-entrypoint.sh').matchAll(/^\s*([a-z]+)\)\s*exec\s+(.+?)\s*;;/gm)) {
    roles.set(match[1], match[2]);
  }
  return roles;
}

/** A glob of tsconfig's include/exclude as a regular expression over repository-relative paths. */
function globToRegExp(glob: string): RegExp {
  const pattern = glob
    .replace(/^\.\//, '')
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*\*\//g, '\u0000')
    .replace(/\*/g, '[^/]*')
    .replace(/\u0000/g, '(?:.*/)?');
  return new RegExp(`^${pattern}(?:/.*)?$`);
}

describe('deploy/Dockerfile', () => {
  const final = stages[stages.length - 1];

  it('builds in stages: dependencies, build, pruned production packages, runtime', () => {
    expect(stages.map((candidate) => candidate.name)).toEqual(
      expect.arrayContaining(['deps', 'build', 'prod-deps', 'runtime', 'inference-gpu']),
    );
    expect(stage('deps').instructions).toContainEqual({ keyword: 'ARG', args: 'ONNXRUNTIME_NODE_INSTALL=skip' });
    expect(runs('deps')).toContain('npm ci');
    expect(runs('prod-deps')).toMatch(/npm prune --omit=dev/);
    expect(lineage('runtime').map((s) => s.base)).toEqual(['${NODE_IMAGE}']);
    expect(stage('deps').base).toBe('${NODE_IMAGE}');
    expect(read('deploy/Dockerfile')).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
  });

  it('runs the build that `npm run build` runs', () => {
    const build = JSON.parse(read('package.json')).scripts.build as string;
    for (const step of build.split('&&').map((part) => part.trim())) {
      expect(runs('build')).toContain(step);
    }
  });

  it('runs as the non-root user 10001 in every image it produces', () => {
    expect(runs('runtime')).toMatch(/useradd [^&]*--uid 10001/);
    for (const name of [final.name, 'inference-gpu', 'runtime']) {
      const user = effective(name, 'USER');
      expect(user).toBe('10001:10001');
    }
  });

  it('starts roles through tini and the entrypoint, the api by default, with a health check on /api/health', () => {
    expect(effective(final.name, 'ENTRYPOINT')).toBe('["/usr/bin/tini", "-s", "--", "farmhand-entrypoint"]');
    expect(effective(final.name, 'CMD')).toBe('["api"]');
    expect(runs('runtime')).toMatch(/apt-get install -y --no-install-recommends tini/);
    expect(stage('runtime').instructions).toContainEqual({
      keyword: 'COPY',
      args: '--chmod=0755 deploy/docker-entrypoint.sh /usr/local/bin/farmhand-entrypoint',
    });
    expect(effective(final.name, 'HEALTHCHECK')).toContain('/api/health');
  });

  it('keeps DATA_DIR on a volume the user owns, and copies what the roles read at run time', () => {
    const env = effective('runtime', 'ENV');
    expect(env).toContain('DATA_DIR=/data');
    expect(env).toContain('WEB_DIST_DIR=apps/web/dist');
    expect(effective('runtime', 'VOLUME')).toBe('["/data"]');
    expect(runs('runtime')).toContain('chown 10001:10001 /data');
    const copies = stage('runtime')
      .instructions.filter((instruction) => instruction.keyword === 'COPY')
      .map((instruction) => instruction.args);
    for (const path of ['/app/node_modules', '/app/dist', '/app/apps/web/dist', '/app/models']) {
      expect(copies.some((copy) => copy.includes(` ${path} `))).toBe(true);
    }
    // The dashboard is served from the directory vite builds into; the inference role loads models/default.
    expect(read('apps/web/vite.config.mts')).toMatch(/outDir: here\('\.\/dist'\)/);
    expect(existsSync(join(ROOT, 'models/default/model.onnx'))).toBe(true);
  });

  it('builds a GPU variant of the same build with the Vulkan loader and the graphics capability', () => {
    const gpu = stage('inference-gpu');
    expect(gpu.base).toBe('runtime');
    for (const library of ['libvulkan1', 'libglvnd0', 'libegl1', 'libgl1', 'libglx0', 'libopengl0', 'libgles2']) {
      expect(runs('inference-gpu')).toMatch(new RegExp(`apt-get install [^&]*\\b${library}\\b`));
    }
    const env = effective('inference-gpu', 'ENV');
    expect(env).toMatch(/NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics/);
    expect(env).toMatch(/INFERENCE_PROVIDERS=webgpu,cpu/);
    expect(effective('inference-gpu', 'CMD')).toBe('["inference"]');
  });
});

describe('deploy/docker-entrypoint.sh', () => {
  it('knows every role, and starts each with exec so it receives SIGTERM itself', () => {
    expect([...entrypointRoles().keys()].sort()).toEqual([...ROLES].sort());
  });

  it('starts only files the build produces', () => {
    const tsconfigBuild = JSON.parse(read('tsconfig.build.json'));
    const tsconfig = JSON.parse(read('tsconfig.json'));
    const nestCli = JSON.parse(read('nest-cli.json'));
    expect(nestCli.projects.api.compilerOptions.tsConfigPath).toBe('tsconfig.build.json');
    expect(tsconfigBuild.compilerOptions.outDir ?? tsconfig.compilerOptions.outDir).toBe('dist');
    expect(tsconfig.compilerOptions.rootDir).toBe('.');
    const includes = (tsconfigBuild.include as string[]).map(globToRegExp);
    const excludes = (tsconfigBuild.exclude as string[]).map(globToRegExp);
    const agentOutfile = /resolve\(root, '(dist\/agent\/[^']+)'\)/.exec(read('apps/agent/build.mjs'))?.[1];

    for (const [role, command] of entrypointRoles()) {
      const [binary, path] = command.split(/\s+/);
      expect(binary).toBe('node');
      if (path.endsWith('.cjs')) {
        expect({ role, path }).toEqual({ role, path: agentOutfile });
        continue;
      }
      // tsc mirrors the repository under dist/: dist/x/y.js comes from x/y.ts, when tsconfig.build.json takes it.
      const source = path.replace(/^dist\//, '').replace(/\.js$/, '.ts');
      expect({ role, source, exists: existsSync(join(ROOT, source)) }).toEqual({ role, source, exists: true });
      expect({ role, included: includes.some((pattern) => pattern.test(source)) }).toEqual({ role, included: true });
      expect({ role, excluded: excludes.some((pattern) => pattern.test(source)) }).toEqual({ role, excluded: false });
    }
  });

  it('starts roles that load only production dependencies, the only packages the image keeps', () => {
    const { dependencies } = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    const paths = JSON.parse(read('tsconfig.json')).compilerOptions.paths as Record<string, string[]>;
    const aliases = Object.fromEntries(Object.entries(paths).map(([alias, [target]]) => [alias, target]));
    for (const [role, command] of entrypointRoles()) {
      const path = command.split(/\s+/)[1];
      if (path.endsWith('.cjs')) continue; // the agent is one bundle with its packages inside
      const source = path.replace(/^dist\//, '').replace(/\.js$/, '.ts');
      const { packages, files } = runtimeImports(ROOT, source, aliases);
      expect(files.size).toBeGreaterThan(1);
      const missing = [...packages].filter(([name]) => !(name in dependencies)).map(([name, by]) => `${name} <- ${by}`);
      expect({ role, missing }).toEqual({ role, missing: [] });
    }
  });

  it('counts run-time imports only (type imports are erased by the compiler)', () => {
    const source = [
      "import type { A } from 'erased-a';",
      "import { type B, type C } from 'erased-b';",
      "export type { D } from 'erased-c';",
      "import { type E, F } from 'kept-a';",
      "import G from 'kept-b';",
      "import 'kept-c';",
      "export { H } from 'kept-d';",
      "const i = require('kept-e');",
      "// import { J } from 'commented-out';",
    ].join('\n');
    expect(runtimeSpecifiers(source)).toEqual(['kept-a', 'kept-b', 'kept-d', 'kept-c', 'kept-e']);
  });

  describe('run with a stand-in node', () => {
    let bin: string;
    beforeAll(() => {
      bin = mkdtempSync(join(tmpdir(), 'farmhand-entrypoint-'));
      writeFileSync(join(bin, 'node'), '#!/bin/sh\necho "node $*"\n');
      chmodSync(join(bin, 'node'), 0o755);
    });
    afterAll(() => rmSync(bin, { recursive: true, force: true }));
    const run = (...args: string[]) =>
      spawnSync('sh', [join(ROOT, 'deploy/docker-entrypoint.sh'), ...args], {
        env: { PATH: `${bin}:/usr/bin:/bin` },
        encoding: 'utf8',
      });

    it('passes the remaining arguments to the role, and runs the api without one', () => {
      expect(run('migrate').stdout.trim()).toBe('node dist/scripts/db.js migrate');
      expect(run('agent', 'run', '--log-level', 'debug').stdout.trim()).toBe(
        'node dist/agent/farmhand-agent.cjs run --log-level debug',
      );
      expect(run().stdout.trim()).toBe('node dist/apps/api/src/main.js');
    });

    it('refuses an unknown role with exit status 64, running nothing', () => {
      const result = run('sh', '-c', 'id');
      expect(result.status).toBe(64);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain("unknown role 'sh'");
    });
  });

  it('is valid POSIX sh', () => {
    expect(() => execFileSync('sh', ['-n', join(ROOT, 'deploy/docker-entrypoint.sh')])).not.toThrow();
  });
});

describe('.dockerignore', () => {
  const patterns = read('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  /** Docker's rule: the last matching pattern wins; `!` re-includes. */
  const ignored = (path: string) => {
    let result = false;
    for (const pattern of patterns) {
      const negated = pattern.startsWith('!');
      const glob = pattern.replace(/^!/, '').replace(/^\//, '');
      if (globToRegExp(glob).test(path)) result = !negated;
    }
    return result;
  };

  it('keeps secrets, packages and builds out of the build context', () => {
    for (const path of [
      '.env',
      '.git/config',
      'node_modules/x/index.js',
      'apps/web/node_modules/x',
      'dist/x.js',
      '.data/gcode/a',
    ]) {
      expect({ path, ignored: ignored(path) }).toEqual({ path, ignored: true });
    }
  });

  it('keeps everything the build reads', () => {
    const needed = [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'nest-cli.json',
      'apps/api/src/main.ts',
      'apps/agent/build.mjs',
      'apps/web/index.html',
      'libs/core/src/index.ts',
      'migrations/schema.ts',
      'scripts/db.ts',
      'bench/scheduler.ts',
      // bench/ imports test fixtures, and tsconfig.build.json compiles bench/.
      'test/jobs/scheduler-fixture.ts',
      'models/default/model.onnx',
      'models/default/head.json',
      'models/default/manifest.json',
      'deploy/docker-entrypoint.sh',
      '.env.example',
    ];
    for (const path of needed) expect({ path, ignored: ignored(path) }).toEqual({ path, ignored: false });
  });
});

describe('deploy/compose.yaml', () => {
  const compose = parseYaml(read('deploy/compose.yaml'), { merge: true }) as { services: Record<string, any> };
  const services = compose.services;
  const appServices = ['migrate', 'api', 'worker', 'inference'];

  it('runs postgres, redis, a one-shot migration, api, worker and inference', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgres', 'redis', ...appServices]));
    expect(services.postgres.healthcheck.test).toContain('pg_isready');
    expect(services.redis.healthcheck.test).toContain('ping');
    expect(services.redis.command).toEqual(expect.arrayContaining(['--maxmemory-policy', 'noeviction']));
  });

  it('starts every app service from the one image with a role the entrypoint knows', () => {
    const images = new Set(appServices.map((name) => services[name].image));
    expect(images.size).toBe(1);
    for (const name of appServices) {
      expect(services[name].build).toMatchObject({ context: '..', dockerfile: 'deploy/Dockerfile' });
      expect(ROLES).toContain(services[name].command[0]);
      expect(services[name].command[0]).toBe(name);
    }
  });

  it('migrates once the database is healthy, and starts the roles after a successful migration', () => {
    expect(services.migrate.depends_on.postgres.condition).toBe('service_healthy');
    expect(services.migrate.restart).toBe('no');
    for (const name of ['api', 'worker', 'inference']) {
      expect(services[name].depends_on.migrate.condition).toBe('service_completed_successfully');
    }
  });

  it('requires SECRET_KEY and the database password instead of defaulting them', () => {
    for (const name of appServices) {
      expect(services[name].environment.SECRET_KEY).toMatch(/^\$\{SECRET_KEY:\?/);
      expect(services[name].environment.DATABASE_URL).toMatch(/\$\{POSTGRES_PASSWORD:\?/);
    }
    expect(services.postgres.environment.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
  });

  it('shares one data volume between the roles, read-only root file systems, a stop grace above the drain', () => {
    const graceMs = Number(services.api.environment.SHUTDOWN_GRACE_MS);
    for (const name of ['api', 'worker', 'inference']) {
      expect(services[name].volumes).toEqual(['data:/data']);
      expect(services[name].read_only).toBe(true);
      expect(Number(/^(\d+)s$/.exec(services[name].stop_grace_period)?.[1]) * 1000).toBeGreaterThan(graceMs);
    }
  });

  it('runs two api instances behind the proxy, the only address the api believes', () => {
    expect(services.api.deploy.replicas).toBe(2);
    expect(services.api.ports).toBeUndefined();
    const proxyAddress = services.proxy.networks.farmhand.ipv4_address;
    expect(services.api.environment.TRUST_PROXY).toBe(`${proxyAddress}/32`);
    const nginx = read('deploy/nginx.conf');
    expect(nginx).toMatch(/server api:3000 resolve;/);
    expect(nginx).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
  });
});
