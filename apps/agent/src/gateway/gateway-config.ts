import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';

import { backendKindSchema } from '@farmhand/protocol';
import { z } from 'zod';

import type { BackendTarget, CertificatePins, LanSecret } from '../backend/backend-factory';
import { ConfigError, readPrivateJson, writePrivateJson } from '../config/agent-config';

/**
 * A farm gateway: one agent process for many printers of any kind on the farm's LAN. Three files, all mode 0600 in
 * one 0700 folder (default `~/.config/farmhand-gateway/`):
 *
 * - `gateway.json` (this schema): the server, and per printer its Farmhand identity (printer id + agent credential,
 *   written by `farmhand-agent gateway enroll`), kind, LAN address and serial. No LAN secret.
 * - `lan-secrets.json` (`lanSecretsFileSchema`): per printer name, the secret its software expects. Written by the
 *   operator; read only by the gateway; never sent to the server.
 * - `pins.json` (`pinsFileSchema`): certificates pinned on first use (Bambu), by serial.
 *
 * Example `gateway.json`:
 * ```json
 * { "server": "https://farm.example", "printers": [
 *   { "name": "Voron-02", "kind": "moonraker", "address": "http://10.0.0.22:7125",
 *     "printerId": "…", "credential": "fh_agt_…" },
 *   { "name": "X1C-03", "kind": "bambu", "address": "10.0.0.23", "serial": "01S00A123456789",
 *     "printerId": "…", "credential": "fh_agt_…" } ] }
 * ```
 * Example `lan-secrets.json`:
 * ```json
 * { "version": 1, "printers": {
 *   "Voron-02": { "apiKey": "…" }, "MK4-01": { "username": "maker", "password": "…" },
 *   "X1C-03": { "accessCode": "12345678" } } }
 * ```
 */
export const MAX_GATEWAY_PRINTERS = 1_000;

const printerNameSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[^\0\r\n]+$/, 'one line of text');

const secretText = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[\x20-\x7e]+$/, 'printable ASCII only (it is sent in an HTTP header or MQTT password)');

export const lanSecretSchema = z
  .object({
    apiKey: secretText.optional(),
    username: secretText.optional(),
    password: secretText.optional(),
    accessCode: secretText.optional(),
  })
  .strict();

export const lanSecretsFileSchema = z.object({
  version: z.literal(1),
  printers: z.record(printerNameSchema, lanSecretSchema),
});
export type LanSecretsFile = z.infer<typeof lanSecretsFileSchema>;

export const gatewayPrinterSchema = z
  .object({
    name: printerNameSchema,
    kind: backendKindSchema,
    /** `http(s)://host[:port]` for OctoPrint, Moonraker and Prusa Link; host or IP for Bambu. */
    address: z.string().min(1).max(500),
    serial: z.string().min(1).max(100).optional(),
    printerId: z.string().min(1).max(64),
    credential: z.string().min(16).max(512),
    options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .superRefine((printer, context) => {
    if (printer.kind === 'bambu') {
      if (!/^[A-Za-z0-9.-]{1,253}$/.test(printer.address) && !/^\[[0-9a-fA-F:]+\]$/.test(printer.address)) {
        context.addIssue({
          code: 'custom',
          path: ['address'],
          message: 'a Bambu printer is a host name or IP address',
        });
      }
      if (!printer.serial)
        context.addIssue({ code: 'custom', path: ['serial'], message: 'a Bambu printer needs its serial' });
      return;
    }
    let url: URL | null = null;
    try {
      url = new URL(printer.address);
    } catch {
      url = null;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) {
      context.addIssue({
        code: 'custom',
        path: ['address'],
        message: `a ${printer.kind} address is an http(s) URL without user name or password`,
      });
    }
  });
export type GatewayPrinter = z.infer<typeof gatewayPrinterSchema>;

export const gatewayConfigSchema = z
  .object({
    server: z.url({ protocol: /^https?$/ }),
    /** Default `lan-secrets.json` beside this file; a relative path is resolved against this file's folder. */
    lanSecretsFile: z.string().min(1).max(1_000).optional(),
    printers: z.array(gatewayPrinterSchema).max(MAX_GATEWAY_PRINTERS),
    frameIntervalSeconds: z.number().int().min(1).max(3_600).optional(),
    idleFrameIntervalSeconds: z.number().int().min(0).max(86_400).optional(),
  })
  .superRefine((config, context) => {
    const seen = new Set<string>();
    config.printers.forEach((printer, index) => {
      for (const key of [`name:${printer.name}`, `id:${printer.printerId}`]) {
        if (seen.has(key)) {
          const field = key.startsWith('name') ? 'name' : 'printerId';
          context.addIssue({ code: 'custom', path: ['printers', index, field], message: `duplicate ${field}` });
        }
        seen.add(key);
      }
    });
  });
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export const pinsFileSchema = z.object({
  version: z.literal(1),
  pins: z.record(z.string().min(1).max(100), z.string().regex(/^[a-f0-9]{64}$/)),
});

export function defaultGatewayConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FARMHAND_GATEWAY_CONFIG) return env.FARMHAND_GATEWAY_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'farmhand-gateway', 'gateway.json');
}

export function lanSecretsPath(configPath: string, config: Pick<GatewayConfig, 'lanSecretsFile'>): string {
  const file = config.lanSecretsFile ?? 'lan-secrets.json';
  return isAbsolute(file) ? file : join(dirname(configPath), file);
}

export interface LoadedGateway {
  config: GatewayConfig;
  secrets: LanSecretsFile;
  /** Files whose permissions were too open and were reset to 0600. */
  tightened: string[];
}

/** Reads `gateway.json` and its LAN-secrets file; a missing config is empty, a missing secrets file holds none. */
export async function loadGateway(path: string): Promise<LoadedGateway | null> {
  const read = await readPrivateJson(path, gatewayConfigSchema);
  if (!read) return null;
  const secretsPath = lanSecretsPath(path, read.data);
  const secrets = await readPrivateJson(secretsPath, lanSecretsFileSchema);
  const tightened = [read.tightened ? path : null, secrets?.tightened ? secretsPath : null].filter(
    (file): file is string => file !== null,
  );
  return { config: read.data, secrets: secrets?.data ?? { version: 1, printers: {} }, tightened };
}

export async function saveGatewayConfig(path: string, config: GatewayConfig): Promise<void> {
  const parsed = gatewayConfigSchema.safeParse(config);
  if (!parsed.success) throw new ConfigError(`refusing to write an invalid gateway config: ${parsed.error.message}`);
  await writePrivateJson(path, parsed.data);
}

/** What each secret field is for, per kind, so that a missing one is named in the error. */
const REQUIRED_SECRETS: Record<GatewayPrinter['kind'], Array<Array<keyof LanSecret>>> = {
  octoprint: [['apiKey']],
  moonraker: [[], ['apiKey']],
  prusalink: [['apiKey'], ['username', 'password']],
  bambu: [['accessCode']],
};

/** The backend target of one printer, or the reason it cannot be driven (it is then skipped, not fatal). */
export function targetOf(printer: GatewayPrinter, secrets: LanSecretsFile): BackendTarget | { error: string } {
  const secret: LanSecret = secrets.printers[printer.name] ?? {};
  const ways = REQUIRED_SECRETS[printer.kind];
  if (!ways.some((fields) => fields.every((field) => Boolean(secret[field])))) {
    const wanted = ways.map((fields) => fields.join(' + ')).join(' or ');
    return { error: `${printer.name}: the LAN-secrets file has no ${wanted} for this ${printer.kind} printer` };
  }
  return {
    kind: printer.kind,
    address: printer.address,
    secret,
    serial: printer.serial,
    options: printer.options,
  };
}

/** Certificate pins in `pins.json` beside the gateway config, written through on every new pin. */
export class FileCertificatePins implements CertificatePins {
  private pins: Record<string, string> = {};

  private constructor(private readonly path: string) {}

  static async open(configPath: string): Promise<FileCertificatePins> {
    const store = new FileCertificatePins(join(dirname(configPath), 'pins.json'));
    store.pins = (await readPrivateJson(store.path, pinsFileSchema))?.data.pins ?? {};
    return store;
  }

  get(serial: string): string | null {
    return this.pins[serial] ?? null;
  }

  async set(serial: string, sha256: string): Promise<void> {
    this.pins = { ...this.pins, [serial]: sha256 };
    await writePrivateJson(this.path, { version: 1, pins: this.pins });
  }
}
