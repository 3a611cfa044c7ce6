import { createBambuBackend } from '../bambu/bambu-factory';
import { MoonrakerClient } from '../moonraker/moonraker.client';
import { OctoPrintClient } from '../octoprint/octoprint.client';
import { PrusaLinkClient } from '../prusalink/prusalink.client';
import { BackendConfigError } from './backend-target';
import type { BackendDeps, BackendFactory, BackendTarget, LanSecret } from './backend-target';
import type { BackendKind, PrinterBackend } from './printer-backend';

export { BackendConfigError, MemoryCertificatePins } from './backend-target';
export type { BackendDeps, BackendFactory, BackendTarget, CertificatePins, LanSecret } from './backend-target';

function requireField(target: BackendTarget, field: keyof LanSecret): string {
  const value = target.secret[field];
  if (!value)
    throw new BackendConfigError(`${target.kind} printer at ${target.address} needs ${field} in its LAN secret`);
  return value;
}

function numberOption(target: BackendTarget, name: string): number | undefined {
  const value = target.options?.[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** One entry per kind; a kind without one is refused when the config is read. */
export const BACKEND_FACTORIES: Partial<Record<BackendKind, BackendFactory>> = {
  octoprint: (target, deps) =>
    new OctoPrintClient({
      baseUrl: target.address,
      apiKey: requireField(target, 'apiKey'),
      logger: deps.logger,
      ledger: deps.ledger,
      pollIntervalMs: numberOption(target, 'pollIntervalMs'),
      usePushSocket: target.options?.usePushSocket !== false,
    }),
  bambu: (target, deps) => createBambuBackend(target, deps),
  moonraker: (target, deps) =>
    new MoonrakerClient({
      baseUrl: target.address,
      apiKey: target.secret.apiKey,
      logger: deps.logger,
      ledger: deps.ledger,
      statusIntervalMs: numberOption(target, 'statusIntervalMs'),
    }),
  prusalink: (target, deps) => {
    if (!target.secret.apiKey && !target.secret.password) {
      throw new BackendConfigError(
        `prusalink printer at ${target.address} needs apiKey, or username and password, in its LAN secret`,
      );
    }
    const scale = target.options?.progressScale;
    return new PrusaLinkClient({
      baseUrl: target.address,
      apiKey: target.secret.apiKey,
      username: target.secret.username,
      password: target.secret.password,
      logger: deps.logger,
      ledger: deps.ledger,
      pollIntervalMs: numberOption(target, 'pollIntervalMs'),
      progressScale: scale === 'percent' || scale === 'fraction' ? scale : 'auto',
    });
  },
};

export function createBackend(target: BackendTarget, deps: BackendDeps): PrinterBackend {
  const factory = BACKEND_FACTORIES[target.kind];
  if (!factory) throw new BackendConfigError(`this agent cannot drive ${target.kind} printers yet`);
  return factory(target, deps);
}
