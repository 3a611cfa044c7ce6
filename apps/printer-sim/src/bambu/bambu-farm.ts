import type { SimFarm, SimFarmOptions } from '../core/sim-kind';
import type { VirtualPrinter } from '../core/virtual-printer';
import { loadWebcamPhotos } from '../core/webcam-photos';
import { BambuSimPrinter } from './bambu-printer-front';
import type { BambuSimOptions } from './bambu-printer-front';

export const DEFAULT_ACCESS_CODE = '12345678';

/** Where one simulated Bambu printer is reached: what a gateway's LAN-secrets entry names. */
export interface BambuEndpoint {
  host: string;
  serial: string;
  model: string;
  ports: { mqtt: number; ftps: number; camera: number };
}

/**
 * N simulated Bambu printers. A real printer listens on 8883/990/6000 of its own address; here each printer gets its
 * own three ports (`port + 3i`, `+1`, `+2` from `--port`, or free ones when it is 0). Serials are `01P00A` + index.
 */
export class BambuFarm implements SimFarm {
  readonly kind = 'bambu' as const;
  private readonly printers: BambuSimPrinter[] = [];

  constructor(
    private readonly options: SimFarmOptions,
    overrides: Partial<BambuSimOptions> = {},
  ) {
    const base = options.port ?? 0;
    for (let index = 0; index < options.printers; index++) {
      this.printers.push(
        new BambuSimPrinter({
          serial: bambuSerial(index),
          accessCode: options.apiKey ?? DEFAULT_ACCESS_CODE,
          model: index % 2 === 0 ? 'P1S' : 'A1',
          host: options.host ?? '127.0.0.1',
          timeScale: options.timeScale,
          index,
          ports: base === 0 ? {} : { mqtt: base + 3 * index, ftps: base + 3 * index + 1, camera: base + 3 * index + 2 },
          ...overrides,
        }),
      );
    }
  }

  get size(): number {
    return this.printers.length;
  }

  async start(): Promise<void> {
    if (this.options.webcamPhotos) {
      const photos = await loadWebcamPhotos(this.options.webcamPhotos);
      for (const printer of this.printers) printer.options.photos = photos;
    }
    for (const printer of this.printers) await printer.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.printers.map((printer) => printer.stop()));
  }

  printer(index: number): VirtualPrinter {
    return this.sim(index).printer;
  }

  sim(index: number): BambuSimPrinter {
    const printer = this.printers[index];
    if (!printer) throw new RangeError(`no printer ${index}`);
    return printer;
  }

  /** The MQTT endpoint (`mqtts://host:port`); `endpoint(i)` has the serial and the FTPS and camera ports. */
  url(index: number): string {
    return `mqtts://${this.options.host ?? '127.0.0.1'}:${this.sim(index).ports().mqtt}`;
  }

  endpoint(index: number): BambuEndpoint {
    const sim = this.sim(index);
    return { host: this.options.host ?? '127.0.0.1', serial: sim.serial, model: sim.model, ports: sim.ports() };
  }

  setOffline(index: number): void {
    this.sim(index).setOffline();
  }

  setOnline(index: number): void {
    this.sim(index).setOnline();
  }
}

export function bambuSerial(index: number): string {
  return `01P00A${String(index).padStart(9, '0')}`;
}
