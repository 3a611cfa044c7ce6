/**
 * The mixed farm of `npm run bench:fleet -- --mix octoprint,moonraker,prusalink,bambu`: printers of each kind on the
 * shared virtual-printer simulators, served by farm gateways (`GatewayRuntime`, one per `perGateway` printers, in this
 * process), each printer attached with its own credential on the gateway's multiplexed socket to the api (one per
 * `perSocket` printers; 0: a socket per printer), as `farmhand-agent gateway run` serves them.
 * Commands sent to these printers go api -> gateway -> the printer's backend (HTTP, websocket or MQTT) and back.
 */
import pino from 'pino';
import { MemoryCertificatePins } from '../apps/agent/src/backend/backend-factory';
import type { GatewayConfig, GatewayPrinter, LanSecretsFile } from '../apps/agent/src/gateway/gateway-config';
import { GatewayRuntime } from '../apps/agent/src/gateway/gateway-runtime';
import { BambuFarm } from '../apps/printer-sim/src/bambu/bambu-farm';
import type { SimFarm, SimKind } from '../apps/printer-sim/src/core/sim-kind';
import { MoonrakerFarm } from '../apps/printer-sim/src/moonraker/moonraker-farm';
import { OctoPrintFarm } from '../apps/printer-sim/src/octoprint/octoprint-farm';
import { PrusaLinkFarm } from '../apps/printer-sim/src/prusalink/prusalink-farm';

export const MIX_KINDS: readonly SimKind[] = ['octoprint', 'moonraker', 'prusalink', 'bambu'];
const SECRET = 'bench-lan-secret-0123456789';
const BAMBU_ACCESS_CODE = '12345678';

export function parseMix(value: string): SimKind[] {
  const kinds = value.split(',').map((kind) => kind.trim()) as SimKind[];
  for (const kind of kinds) if (!MIX_KINDS.includes(kind)) throw new Error(`--mix: unknown kind ${kind}`);
  if (!kinds.length) throw new Error('--mix needs at least one kind');
  return [...new Set(kinds)];
}

export interface MixedFarm {
  printerIds: string[];
  byKind: Map<SimKind, string[]>;
  gateways: number;
  stop(): Promise<void>;
}

/** Starts one simulator per kind and gateways serving `agents` (printer id + credential), spread over the kinds. */
export async function startMixedFarm(
  apiUrl: string,
  kinds: SimKind[],
  agents: Array<{ printerId: string; credential: string }>,
  perGateway: number,
  /** Printers per multiplexed server socket (0: one socket per printer, as before protocol 2). */
  perSocket?: number,
): Promise<MixedFarm> {
  const perKind = new Map<SimKind, Array<{ printerId: string; credential: string }>>();
  agents.forEach((agent, index) => {
    const kind = kinds[index % kinds.length]!;
    perKind.set(kind, [...(perKind.get(kind) ?? []), agent]);
  });
  const farms: SimFarm[] = [];
  const printers: GatewayPrinter[] = [];
  const secrets: LanSecretsFile = { version: 1, printers: {} };
  const byKind = new Map<SimKind, string[]>();
  for (const [kind, list] of perKind) {
    const options = { printers: list.length, timeScale: 1, apiKey: kind === 'bambu' ? BAMBU_ACCESS_CODE : SECRET };
    const farm: SimFarm =
      kind === 'octoprint'
        ? new OctoPrintFarm(options)
        : kind === 'moonraker'
          ? new MoonrakerFarm(options)
          : kind === 'prusalink'
            ? new PrusaLinkFarm(options)
            : new BambuFarm(options);
    await farm.start();
    farms.push(farm);
    byKind.set(
      kind,
      list.map((agent) => agent.printerId),
    );
    list.forEach((agent, index) => {
      const name = `${kind}-${index}`;
      if (farm instanceof BambuFarm) {
        const endpoint = farm.endpoint(index);
        printers.push({
          name,
          kind,
          address: endpoint.host,
          serial: endpoint.serial,
          printerId: agent.printerId,
          credential: agent.credential,
          options: {
            model: endpoint.model,
            mqttPort: endpoint.ports.mqtt,
            ftpsPort: endpoint.ports.ftps,
            cameraPort: endpoint.ports.camera,
          },
        });
        secrets.printers[name] = { accessCode: BAMBU_ACCESS_CODE };
      } else {
        printers.push({
          name,
          kind,
          address: farm.url(index),
          printerId: agent.printerId,
          credential: agent.credential,
        });
        secrets.printers[name] = kind === 'prusalink' ? { username: 'maker', password: SECRET } : { apiKey: SECRET };
      }
    });
  }
  const gateways: GatewayRuntime[] = [];
  // Interleave kinds on each gateway, as a farm's gateway serves whatever is on its LAN.
  const interleaved = [...printers].sort((a, b) => Number(a.name.split('-')[1]) - Number(b.name.split('-')[1]));
  for (let start = 0; start < interleaved.length; start += perGateway) {
    const config: GatewayConfig = {
      server: apiUrl,
      printers: interleaved.slice(start, start + perGateway),
      idleFrameIntervalSeconds: 0,
      frameIntervalSeconds: 3_600,
    };
    const gateway = new GatewayRuntime({
      config,
      secrets,
      logger: pino({ level: 'silent' }),
      pins: new MemoryCertificatePins(),
      ...(perSocket === undefined ? {} : { printersPerSocket: perSocket }),
    });
    await gateway.start();
    gateways.push(gateway);
  }
  return {
    printerIds: printers.map((printer) => printer.printerId),
    byKind,
    gateways: gateways.length,
    async stop() {
      await Promise.all(gateways.map((gateway) => gateway.stop()));
      await Promise.all(farms.map((farm) => farm.stop()));
    },
  };
}
