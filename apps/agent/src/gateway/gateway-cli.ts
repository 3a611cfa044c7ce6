import { readFile, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';

import { BACKEND_KINDS } from '@farmhand/protocol';
import type { BackendKind } from '@farmhand/protocol';
import { parse } from 'csv-parse/sync';
import type { Logger } from 'pino';

import { ConfigError } from '../config/agent-config';
import { EnrollmentClient, EnrollmentError } from '../enrollment/enrollment.client';
import { createLogger } from '../logger';
import { AGENT_VERSION } from '../version';
import {
  FileCertificatePins,
  defaultGatewayConfigPath,
  gatewayPrinterSchema,
  lanSecretsPath,
  loadGateway,
  saveGatewayConfig,
} from './gateway-config';
import type { GatewayConfig, GatewayPrinter } from './gateway-config';
import { GatewayRuntime } from './gateway-runtime';

export const GATEWAY_USAGE = `farmhand-agent ${AGENT_VERSION} gateway: one agent process for many printers on the farm's LAN
(OctoPrint, Moonraker/Klipper, Prusa Link, Bambu Lab in LAN mode), each with its own Farmhand identity.
It dials out to the server, so it works behind NAT; LAN secrets never leave this host. It holds one server
connection per 200 printers, and attaches each printer on it with that printer's own credential.

Usage:
  farmhand-agent gateway enroll --server <url> --credentials <credentials.csv> [--config <path>]
  farmhand-agent gateway run [--config <path>]

Files (mode 0600, in one 0700 folder; default ~/.config/farmhand-gateway/, env FARMHAND_GATEWAY_CONFIG):
  gateway.json       the server, and per printer: name, kind, address, serial, Farmhand printer id and credential
                     (written by "gateway enroll"; no LAN secret in it)
  lan-secrets.json   what each printer's software expects, by printer name; you write it:
                       { "version": 1, "printers": {
                           "Octo-01":  { "apiKey": "<OctoPrint API key>" },
                           "Voron-02": { "apiKey": "<Moonraker API key>" }   (or {} for a trusted client),
                           "MK4-03":   { "apiKey": "<Prusa Link key>" }       (or "username" + "password": Digest),
                           "X1C-04":   { "accessCode": "<8 digits from the printer's screen>" } } }
  pins.json          Bambu printer certificates pinned on first use

enroll:
  --server <url>          Farmhand server
  --credentials <file>    the credentials CSV Farmhand gave for the enrolled printers: columns name, token, and
                          kind (${BACKEND_KINDS.join('|')}; default octoprint), address (http(s) URL, or host/IP for
                          Bambu; octoprint_url is read too), serial (required for Bambu). Each token is redeemed
                          once; printers already in gateway.json are skipped, so a re-run after a failure is safe.

run:
  --log-level <level>     pino level (default info)

200 printers are one CSV import in Farmhand and one "gateway enroll". A printer whose LAN secret is missing or
whose software misbehaves is reported and skipped; the others keep running.
`;

const OPTIONS = {
  config: { type: 'string' },
  server: { type: 'string' },
  credentials: { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const MAX_CSV_BYTES = 5 * 1024 * 1024;

export interface GatewayIo {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  untilStopped?: () => Promise<void>;
  logger?: Logger;
}

/** `farmhand-agent gateway …`; returns the exit code. */
export async function runGatewayCli(argv: string[], io: GatewayIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    return print(io.stderr, `${(error as Error).message}\n\n${GATEWAY_USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command || command === 'help') return print(io.stdout, GATEWAY_USAGE, 0);
  if (rest.length > 0) return print(io.stderr, `unexpected argument: ${rest[0]}\n\n${GATEWAY_USAGE}`, 2);
  const path = values.config ?? defaultGatewayConfigPath(io.env);
  try {
    if (command === 'enroll') return await enroll(path, values.server, values.credentials, io);
    if (command === 'run') return await run(path, values['log-level'], io);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof EnrollmentError) {
      return print(io.stderr, `${error.message}\n`, 1);
    }
    return print(io.stderr, `farmhand-agent gateway: ${(error as Error).message}\n`, 1);
  }
  return print(io.stderr, `unknown gateway command: ${command}\n\n${GATEWAY_USAGE}`, 2);
}

interface CredentialRow {
  name: string;
  token: string;
  kind: BackendKind;
  address: string;
  serial?: string;
}

/** The credentials CSV rows a gateway enrolls; a bad row names its line and is not enrolled. */
export function parseCredentialsCsv(text: string): { rows: CredentialRow[]; problems: string[] } {
  const records = parse(text, {
    columns: (header: string[]) => header.map(normalizeHeader),
    bom: true,
    skip_empty_lines: true,
    trim: true,
    relax_column_count: true,
  }) as Array<Record<string, string>>;
  const rows: CredentialRow[] = [];
  const problems: string[] = [];
  records.forEach((record, index) => {
    const line = index + 2;
    const kind = (record.kind || 'octoprint').toLowerCase();
    const address = record.address || record.octoprint_url || '';
    if (!record.name || !record.token) return problems.push(`line ${line}: name and token are required`);
    if (!(BACKEND_KINDS as readonly string[]).includes(kind)) {
      return problems.push(`line ${line} (${record.name}): kind must be one of ${BACKEND_KINDS.join(', ')}`);
    }
    if (!address) return problems.push(`line ${line} (${record.name}): the printer's address is missing`);
    rows.push({
      name: record.name,
      token: record.token,
      kind: kind as BackendKind,
      address,
      serial: record.serial || undefined,
    });
  });
  return { rows, problems };
}

function normalizeHeader(cell: string): string {
  return cell
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

async function enroll(path: string, server: string | undefined, credentials: string | undefined, io: GatewayIo) {
  if (!server) return print(io.stderr, `gateway enroll needs --server <url>\n`, 2);
  if (!credentials) return print(io.stderr, `gateway enroll needs --credentials <credentials.csv>\n`, 2);
  if ((await stat(credentials)).size > MAX_CSV_BYTES) return print(io.stderr, `${credentials} is over 5 MB\n`, 1);
  const { rows, problems } = parseCredentialsCsv(await readFile(credentials, 'utf8'));
  const existing = await loadGateway(path);
  const config: GatewayConfig = existing?.config ?? { server: new URL(server).origin, printers: [] };
  const client = new EnrollmentClient(server);
  const agent = { version: AGENT_VERSION, hostname: hostname().slice(0, 255) || 'unknown' };
  let enrolled = 0;
  for (const row of rows) {
    if (config.printers.some((printer) => printer.name === row.name)) continue;
    const candidate = { name: row.name, kind: row.kind, address: row.address, serial: row.serial };
    // Check the row before spending its single-use token.
    const shape = gatewayPrinterSchema.safeParse({ ...candidate, printerId: 'check', credential: 'x'.repeat(16) });
    if (!shape.success) {
      problems.push(`${row.name}: ${shape.error.issues[0].path.join('.')}: ${shape.error.issues[0].message}`);
      continue;
    }
    try {
      const result = await client.redeem(row.token, agent);
      const printer: GatewayPrinter = { ...candidate, printerId: result.printerId, credential: result.credential };
      config.printers.push(printer);
      await saveGatewayConfig(path, config);
      enrolled += 1;
    } catch (error) {
      problems.push(`${row.name}: ${(error as Error).message}`);
    }
  }
  for (const problem of problems) io.stderr.write(`${problem}\n`);
  io.stdout.write(
    `Enrolled ${enrolled} printer(s); ${config.printers.length} in ${path} (mode 0600).\n` +
      `Put each printer's LAN secret in ${lanSecretsPath(path, config)} (see farmhand-agent gateway --help).\n`,
  );
  return problems.length > 0 ? 1 : 0;
}

async function run(path: string, level: string | undefined, io: GatewayIo): Promise<number> {
  const loaded = await loadGateway(path);
  if (!loaded || loaded.config.printers.length === 0) {
    return print(io.stderr, `no printers in ${path}; run farmhand-agent gateway enroll first\n`, 1);
  }
  const logger = io.logger ?? createLogger(level ?? io.env.LOG_LEVEL ?? 'info');
  for (const file of loaded.tightened)
    logger.warn({ path: file }, 'file was readable by others; permissions reset to 0600');
  const gateway = new GatewayRuntime({
    config: loaded.config,
    secrets: loaded.secrets,
    logger,
    pins: await FileCertificatePins.open(path),
    stateDir: dirname(path),
  });
  const stopped = (io.untilStopped ?? untilSignal)();
  await gateway.start();
  await stopped;
  logger.info('farm gateway stopping');
  await gateway.stop();
  return 0;
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
