import { join } from 'node:path';

import type { Logger } from 'pino';

import { createBackend } from '../backend/backend-factory';
import type { BackendDeps, CertificatePins } from '../backend/backend-factory';
import { JobLedger } from '../backend/job-ledger';
import { GcodePolicy } from '../commands/gcode-policy';
import { AgentRuntime } from '../runtime/agent-runtime';
import type { AgentRuntimeOptions } from '../runtime/agent-runtime';
import { targetOf } from './gateway-config';
import type { GatewayConfig, LanSecretsFile } from './gateway-config';

export interface GatewayRuntimeOptions {
  config: GatewayConfig;
  secrets: LanSecretsFile;
  logger: Logger;
  pins: CertificatePins;
  /** Folder for each printer's job ledger (`jobs-<printerId>.json`); none keeps them in memory. */
  stateDir?: string;
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
 * agent runtime with its own server link, so every authorization, audit and presence rule stays per printer) and
 * its own backend. A printer that cannot be built is skipped with the reason; one whose backend throws or hangs
 * affects only itself. LAN secrets go to the backends only: the runtimes see kinds, address labels and capabilities.
 */
export class GatewayRuntime {
  private readonly runtimes = new Map<string, AgentRuntime>();
  private readonly states: GatewayPrinterState[] = [];

  constructor(private readonly options: GatewayRuntimeOptions) {}

  get printers(): readonly GatewayPrinterState[] {
    return this.states;
  }

  runtime(name: string): AgentRuntime | undefined {
    return this.runtimes.get(name);
  }

  async start(): Promise<void> {
    const { config, secrets, logger } = this.options;
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
        const runtime = new AgentRuntime({
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
