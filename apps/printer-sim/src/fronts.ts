import { BambuFarm } from './bambu/bambu-farm';
import type { SimFarm, SimFarmOptions, SimKind } from './core/sim-kind';
import { MoonrakerFarm } from './moonraker/moonraker-farm';
import { OctoPrintFarm } from './octoprint/octoprint-farm';
import { PrusaLinkFarm } from './prusalink/prusalink-farm';

/** One entry per protocol front; a kind without one is refused by `npm run sim -- --kind`. */
export const SIM_FRONTS: Partial<Record<SimKind, (options: SimFarmOptions) => SimFarm>> = {
  octoprint: (options) => new OctoPrintFarm(options),
  bambu: (options) => new BambuFarm(options),
  moonraker: (options) => new MoonrakerFarm(options),
  prusalink: (options) => new PrusaLinkFarm(options),
};

export function createSimFarm(kind: SimKind, options: SimFarmOptions): SimFarm {
  const create = SIM_FRONTS[kind];
  if (!create) throw new Error(`no simulator front for ${kind} yet`);
  return create(options);
}
