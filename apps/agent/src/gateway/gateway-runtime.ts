import { join } from 'node:path';

import type { Logger } from 'pino';

import { createBackend } from '../backend/backend-factory';
import type { BackendDeps, CertificatePins } from '../backend/backend-factory';
import { JobLedger } from '../backend/job-ledger';
import { GcodePolicy } from '../commands/gcode-policy';
import { AgentRuntime } from '../runtime/agent-runtime';
import type { AgentRuntimeOptions } from '../runtime/agent-runtime';
import { GATEWAY_PRINTERS_PER_SOCKET } from '@farmhand/protocol';

import { targetOf } from './gateway-config';
import type { GatewayConfig, LanSecretsFile } from './gateway-config';
import { GatewayLink } from './gateway-link';

export interface GatewayRuntimeOptions {
  config: GatewayConfig;
  secrets: LanSecretsFile;
  logger: Logger;
  pins: CertificatePins;
  /** Folder for each printer's job ledger (`jobs-<printerId>.json`); none keeps them in memory. */
  stateDir?: string;
  /**
   * Printers per multiplexed server socket (default `GATEWAY_PRINTERS_PER_SOCKET`); 0 gives every printer its own
   * socket, as agents before protocol 2 did (for a server that does not speak protocol 2 yet).
   */
  printersPerSocket?: number;
  /** Passed to every printer's runtime (tests shorten timings). */
  runtime?: Partial<Omit<AgentRuntimeOptions, 'serverUrl' | 'credential' | 'backend' | 'logger'>>;
}

export interface GatewayPrinterState {
  name: string;
  kind: string;
  printerId: string;
  /** Why the printer is not served (a missing LAN secret, a bad address); null while it runs. */
  problem: string | null;
}

/**
 * One process for many printers of any kind: each printer keeps its own Farmhand credential and identity (its own
 * agent runtime, attached with its own credential on the gateway's multiplexed socket, so every authorization,
 * audit and presence rule stays per printer) and its own backend. The printers share one server socket per
 * `printersPerSocket` (protocol 2). A printer that cannot be built is skipped with the reason; one whose backend throws or hangs
 * affects only itself. LAN secrets go to the backends only: the runtimes see kinds, address labels and capabilities.
 */
export class GatewayRuntime {
  private readonly runtimes = new Map<string, AgentRuntime>();
  private readonly states: GatewayPrinterState[] = [];
  private readonly links: GatewayLink[] = [];

  constructor(private readonly options: GatewayRuntimeOptions) {}

  get printers(): readonly GatewayPrinterState[] {
    return this.states;
  }

  runtime(name: string): AgentRuntime | undefined {
    return this.runtimes.get(name);
  }

  /** The multiplexed server sockets this gateway holds. */
  get sockets(): readonly GatewayLink[] {
    return this.links;
  }

  async start(): Promise<void> {
    const { config, secrets, logger } = this.options;
    const perSocket = this.options.printersPerSocket ?? GATEWAY_PRINTERS_PER_SOCKET;
    let served = 0;
    for (const printer of config.printers) {
      const printerLogger = logger.child({ printer: printer.name, printerId: printer.printerId, kind: printer.kind });
      const state: GatewayPrinterState = {
        name: printer.name,
        kind: printer.kind,
        printerId: printer.printerId,
        problem: null,
      };
      this.states.push(state);
      const target = targetOf(printer, secrets);
      if ('error' in target) {
        state.problem = target.error;
        printerLogger.warn({ problem: target.error }, 'printer skipped');
        continue;
      }
      try {
        const deps: BackendDeps = {
          logger: printerLogger,
          ledger: new JobLedger(
            this.options.stateDir ? join(this.options.stateDir, `jobs-${safeFilePart(printer.printerId)}.json`) : null,
          ),
          pins: this.options.pins,
        };
        const backend = createBackend(target, deps);
        let link: GatewayLink | undefined;
        if (perSocket > 0) {
          const index = Math.floor(served / perSocket);
          link = this.links[index] ??= new GatewayLink({
            serverUrl: config.server,
            logger: logger.child({ socket: index }),
            backoff: this.options.runtime?.backoff,
          });
        }
        const runtime = new AgentRuntime({
          link: link?.printer(printer.printerId, printer.credential, printerLogger),
          serverUrl: config.server,
          credential: printer.credential,
          backend,
          logger: printerLogger,
          policy: new GcodePolicy(),
          frameIntervalSeconds: config.frameIntervalSeconds,
          idleFrameIntervalSeconds: config.idleFrameIntervalSeconds,
          ...this.options.runtime,
        });
        this.runtimes.set(printer.name, runtime);
        served += 1;
      } catch (error) {
        state.problem = `${printer.name}: ${(error as Error).message}`;
        printerLogger.warn({ problem: state.problem }, 'printer skipped');
      }
    }
    // Started side by side: one printer's slow or failing start does not hold up the others.
    await Promise.all(
      [...this.runtimes.entries()].map(([name, runtime]) =>
        runtime.start().catch((error: unknown) => {
          const state = this.states.find((entry) => entry.name === name);
          if (state) state.problem = `${name}: ${(error as Error).message}`;
          logger.warn(
            { printer: name, reason: (error as Error).message },
            'printer failed to start; retrying on its own',
          );
        }),
      ),
    );
    logger.info(
      {
        printers: this.states.length,
        serving: this.runtimes.size,
        sockets: perSocket > 0 ? this.links.length : this.runtimes.size,
        kinds: countBy(this.states.map((state) => state.kind)),
      },
      'farm gateway started',
    );
  }

  async stop(): Promise<void> {
    await Promise.all([...this.runtimes.values()].map((runtime) => runtime.stop().catch(() => undefined)));
  }
}

function safeFilePart(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
