import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

import type { Logger } from 'pino';

import { JobLedger } from '../backend/job-ledger';
import { GcodePolicy } from '../commands/gcode-policy';
import {
  ConfigError,
  defaultConfigPath,
  loadConfigFile,
  resolveOctoPrint,
  saveConfigFile,
} from '../config/agent-config';
import type { AgentConfigFile } from '../config/agent-config';
import { EnrollmentClient, EnrollmentError } from '../enrollment/enrollment.client';
import { pairDevice } from '../enrollment/pairing-flow';
import { runGatewayCli } from '../gateway/gateway-cli';
import { createLogger } from '../logger';
import { OctoPrintClient } from '../octoprint/octoprint.client';
import { AgentRuntime } from '../runtime/agent-runtime';
import { AGENT_VERSION } from '../version';

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Resolves when the process should stop (SIGINT/SIGTERM in production). */
  untilStopped?: () => Promise<void>;
  logger?: Logger;
  sleep?: (ms: number) => Promise<void>;
}

export const USAGE = `farmhand-agent ${AGENT_VERSION}: connects one OctoPrint printer to Farmhand

Usage:
  farmhand-agent enroll --server <url> (--token <token> | --pair) [options]
  farmhand-agent run [options]
  farmhand-agent gateway (enroll | run) [options]   many printers of any kind from one host (gateway --help)

Common options:
  --config <path>              config file (default ~/.config/farmhand-agent/config.json, env FARMHAND_AGENT_CONFIG)
  --octoprint-url <url>        OctoPrint address (env OCTOPRINT_URL)
  --octoprint-api-key <key>    OctoPrint API key (env OCTOPRINT_API_KEY)

enroll:
  --server <url>               Farmhand server
  --token <token>              admin enrollment token (env FARMHAND_ENROLL_TOKEN)
  --pair                       pair with a code an admin enters in Farmhand
  --force                      replace an existing enrollment

run:
  --frame-interval <s>         webcam frame period while printing (default 10)
  --idle-frame-interval <s>    webcam frame period otherwise, 0 = off (default 300)
  --gcode-blocklist <list>     comma-separated G/M codes to refuse (replaces the default list)
  --max-tool-temp <C>          highest hotend target accepted (default 300)
  --max-bed-temp <C>           highest bed target accepted (default 120)
  --poll-interval <s>          OctoPrint polling period while its push socket is down (default 2)
  --polling-only               never use OctoPrint's push socket
  --log-level <level>          pino level (default info)
`;

const OPTIONS = {
  config: { type: 'string' },
  server: { type: 'string' },
  token: { type: 'string' },
  pair: { type: 'boolean' },
  force: { type: 'boolean' },
  'octoprint-url': { type: 'string' },
  'octoprint-api-key': { type: 'string' },
  'frame-interval': { type: 'string' },
  'idle-frame-interval': { type: 'string' },
  'gcode-blocklist': { type: 'string' },
  'max-tool-temp': { type: 'string' },
  'max-bed-temp': { type: 'string' },
  'poll-interval': { type: 'string' },
  'polling-only': { type: 'boolean' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

type Flags = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

class UsageError extends Error {}

/** Returns the process exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  if (argv[0] === 'gateway') return runGatewayCli(argv.slice(1), io);
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    if (values.version) return print(io.stdout, `${AGENT_VERSION}\n`, 0);
    const [command, ...rest] = positionals;
    if (values.help || !command || command === 'help') return print(io.stdout, USAGE, 0);
    if (rest.length > 0) throw new UsageError(`unexpected argument: ${rest[0]}`);
    if (command === 'enroll') return await enroll(values, io);
    if (command === 'run') return await run(values, io);
    throw new UsageError(`unknown command: ${command}`);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      return print(io.stderr, `${(error as Error).message}\n\n${USAGE}`, 2);
    }
    if (error instanceof ConfigError || error instanceof EnrollmentError)
      return print(io.stderr, `${error.message}\n`, 1);
    return print(io.stderr, `farmhand-agent: ${(error as Error).message}\n`, 1);
  }
}

async function enroll(flags: Flags, io: CliIo): Promise<number> {
  const server = flags.server;
  if (!server) throw new UsageError('enroll needs --server <url>');
  const token = flags.token ?? io.env.FARMHAND_ENROLL_TOKEN;
  if (Boolean(token) === Boolean(flags.pair))
    throw new UsageError('enroll needs exactly one of --token <token> or --pair');
  const path = flags.config ?? defaultConfigPath(io.env);
  const { config: existing } = await loadConfigFile(path);
  if (existing.credential && !flags.force) {
    return print(
      io.stderr,
      `already enrolled as printer ${existing.printerId ?? '?'} (${path}); pass --force to replace\n`,
      1,
    );
  }
  const client = new EnrollmentClient(server);
  const agent = { version: AGENT_VERSION, hostname: hostname().slice(0, 255) || 'unknown' };
  const enrolled = token
    ? await client.redeem(token, agent)
    : await pairDevice(client, agent, {
        print: (text) => io.stdout.write(`${text}\n`),
        sleep: io.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
        now: Date.now,
      });
  const config: AgentConfigFile = {
    ...existing,
    server: enrolled.server ?? new URL(server).origin,
    printerId: enrolled.printerId,
    credential: enrolled.credential,
  };
  const octoprintUrl = flags['octoprint-url'] ?? enrolled.octoprintUrl ?? undefined;
  if (octoprintUrl) config.octoprintUrl = octoprintUrl;
  if (flags['octoprint-api-key']) config.octoprintApiKey = flags['octoprint-api-key'];
  await saveConfigFile(path, config);
  return print(io.stdout, `Enrolled as printer ${enrolled.printerId}. Credential saved to ${path} (mode 0600).\n`, 0);
}

async function run(flags: Flags, io: CliIo): Promise<number> {
  const path = flags.config ?? defaultConfigPath(io.env);
  const { config, tightened } = await loadConfigFile(path);
  const server = flags.server ?? config.server;
  if (!server || !config.credential) {
    return print(io.stderr, `not enrolled (${path} has no server or credential); run farmhand-agent enroll first\n`, 1);
  }
  const octoprint = resolveOctoPrint(
    { octoprintUrl: flags['octoprint-url'], octoprintApiKey: flags['octoprint-api-key'] },
    io.env,
    config,
  );
  if ('missing' in octoprint) return print(io.stderr, `missing ${octoprint.missing.join(' and ')}\n`, 1);
  const logger = io.logger ?? createLogger(flags['log-level'] ?? io.env.LOG_LEVEL ?? 'info');
  if (tightened) logger.warn({ path }, 'config file was readable by others; permissions reset to 0600');

  const blocklist = flags['gcode-blocklist']
    ?.split(',')
    .map((code) => code.trim())
    .filter(Boolean);
  const backend = new OctoPrintClient({
    baseUrl: octoprint.url,
    apiKey: octoprint.apiKey,
    logger,
    ledger: new JobLedger(join(dirname(path), 'jobs.json')),
    pollIntervalMs: boundedNumber(flags['poll-interval'], config.pollIntervalSeconds ?? 2, 0.5, 300) * 1_000,
    usePushSocket: !flags['polling-only'],
  });
  const runtime = new AgentRuntime({
    serverUrl: server,
    credential: config.credential,
    backend,
    logger,
    policy: new GcodePolicy({
      blocklist: blocklist ?? config.gcodeBlocklist,
      maxToolTemperature: boundedNumber(flags['max-tool-temp'], config.maxToolTemperature ?? 300, 0, 500),
      maxBedTemperature: boundedNumber(flags['max-bed-temp'], config.maxBedTemperature ?? 120, 0, 200),
    }),
    frameIntervalSeconds: boundedNumber(flags['frame-interval'], config.frameIntervalSeconds ?? 10, 1, 3_600),
    idleFrameIntervalSeconds: boundedNumber(
      flags['idle-frame-interval'],
      config.idleFrameIntervalSeconds ?? 300,
      0,
      86_400,
    ),
    maxDispatchBytes: (config.maxDispatchMegabytes ?? 512) * 1024 * 1024,
  });
  logger.info(
    { version: AGENT_VERSION, printerId: config.printerId, server: new URL(server).origin, octoprint: octoprint.url },
    'farmhand-agent starting',
  );
  // Listen for the stop signal before starting, so a signal during start-up still stops cleanly.
  const stopped = (io.untilStopped ?? untilSignal)();
  await runtime.start();
  await stopped;
  logger.info('farmhand-agent stopping');
  await runtime.stop();
  return 0;
}

/** A bounded number from a flag, falling back to a default. */
function boundedNumber(raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max)
    throw new UsageError(`expected a number in ${min}..${max}, got ${raw}`);
  return value;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

function print(stream: { write(text: string): unknown }, text: string, code: number): number {
  stream.write(text);
  return code;
}
