import { BackendConfigError } from '../backend/backend-target';
import type { BackendDeps, BackendTarget } from '../backend/backend-target';
import { BambuBackend } from './bambu.backend';
import { isBambuModel } from './bambu-models';
import type { BambuModel } from './bambu-models';

/** Serial prefixes whose model is certain; others need `options.model` in gateway.json. */
const MODEL_BY_SERIAL_PREFIX: Array<[string, BambuModel]> = [
  ['00M', 'X1C'],
  ['01S', 'P1P'],
  ['01P', 'P1S'],
  ['030', 'A1M'],
  ['039', 'A1'],
];

export function bambuModelOf(serial: string, option: unknown): BambuModel {
  if (typeof option === 'string') {
    const model = option.toUpperCase().replace(/[\s-]/g, '').replace(/MINI$/, 'M');
    if (isBambuModel(model)) return model;
    throw new BackendConfigError(`unknown Bambu model "${option.slice(0, 40)}" for ${serial}`);
  }
  const known = MODEL_BY_SERIAL_PREFIX.find(([prefix]) => serial.startsWith(prefix));
  if (known) return known[1];
  throw new BackendConfigError(
    `Bambu printer ${serial}: set options.model (A1, A1M, P1P, P1S, P2S, X1C, X1E, H2D, H2S)`,
  );
}

function port(target: BackendTarget, name: string): number | undefined {
  const value = target.options?.[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65_535) {
    throw new BackendConfigError(`options.${name} must be a TCP port`);
  }
  return value;
}

/**
 * Gateway entry `{ "kind": "bambu", "address": "<ip>", "serial": "<serial>", "options": { "model": "P1S" } }` with
 * `{ "accessCode": "…" }` in lan-secrets.json. Optional: `mqttPort`, `ftpsPort`, `cameraPort` (the simulator),
 * `plate`, `useAms` (print defaults for a dispatched .3mf).
 */
export function createBambuBackend(target: BackendTarget, deps: BackendDeps): BambuBackend {
  const serial = target.serial;
  if (!serial) throw new BackendConfigError(`the Bambu printer at ${target.address} needs its serial`);
  const accessCode = target.secret.accessCode;
  if (!accessCode) throw new BackendConfigError(`Bambu printer ${serial} needs accessCode in its LAN secret`);
  const plate = target.options?.plate;
  try {
    return new BambuBackend({
      host: target.address.replace(/^\[|\]$/g, ''),
      serial,
      accessCode,
      model: bambuModelOf(serial, target.options?.model),
      pins: deps.pins,
      logger: deps.logger.child({ backend: 'bambu', serial }),
      ledger: deps.ledger,
      ports: { mqtt: port(target, 'mqttPort'), ftps: port(target, 'ftpsPort'), camera: port(target, 'cameraPort') },
      print: {
        plate: typeof plate === 'number' ? plate : undefined,
        useAms: typeof target.options?.useAms === 'boolean' ? target.options.useAms : undefined,
      },
    });
  } catch (error) {
    if (error instanceof RangeError) throw new BackendConfigError(`Bambu printer ${serial}: ${error.message}`);
    throw error;
  }
}
