import type { Command, CommandResult } from '@farmhand/protocol';
import type { Logger } from 'pino';

import { BackendError, supportsCommand } from '../backend/printer-backend';
import type { CommandData, PrinterBackend } from '../backend/printer-backend';
import type { FileDispatcher } from './file-dispatcher';
import type { GcodePolicy } from './gcode-policy';

export interface CommandExecutorOptions {
  backend: PrinterBackend;
  policy: GcodePolicy;
  dispatcher: FileDispatcher;
  /** Takes a webcam frame and uploads it (the `snapshot` command). */
  captureFrame: () => Promise<CommandData>;
  logger: Logger;
  historySize?: number;
  historyTtlMs?: number;
}

interface Remembered {
  result: Promise<CommandResult>;
  at: number;
}

/**
 * Runs server commands against the backend. Idempotent by command id: a command delivered twice
 * (a retry, a reconnect, a second api instance) runs once, and every delivery gets the same result.
 */
export class CommandExecutor {
  private readonly history = new Map<string, Remembered>();
  /** Commands that start a job run one at a time, so two dispatches cannot race for the printer. */
  private jobLock: Promise<unknown> = Promise.resolve();
  executions = 0;

  constructor(private readonly options: CommandExecutorOptions) {}

  /** Never rejects. */
  execute(command: Command): Promise<CommandResult> {
    this.prune();
    const known = this.history.get(command.id);
    if (known) {
      this.options.logger.info(
        { commandId: command.id, type: command.type, correlationId: command.correlationId },
        'duplicate command; answering from memory',
      );
      return known.result;
    }
    const result = this.run(command);
    this.history.set(command.id, { result, at: Date.now() });
    return result;
  }

  private async run(command: Command): Promise<CommandResult> {
    const started = Date.now();
    if (command.expiresAt !== undefined && started > command.expiresAt) {
      return failure(command.id, new BackendError('timeout', 'command arrived after it expired'));
    }
    this.executions += 1;
    if (!supportsCommand(this.options.backend.capabilities, command.type)) {
      const error = new BackendError('unsupported', `${this.options.backend.kind} cannot do ${command.type}`);
      this.options.logger.warn({ commandId: command.id, type: command.type, code: error.code }, 'command refused');
      return failure(command.id, error);
    }
    try {
      const job = command.type === 'dispatch' || command.type === 'start';
      const data = job ? await this.exclusively(() => this.perform(command)) : await this.perform(command);
      const ms = Date.now() - started;
      this.options.logger.info(
        { commandId: command.id, type: command.type, correlationId: command.correlationId, ms },
        'command done',
      );
      return { id: command.id, ok: true, data, finishedAt: Date.now() };
    } catch (error) {
      const known = error instanceof BackendError;
      const code = known ? error.code : 'internal';
      const log = { commandId: command.id, type: command.type, correlationId: command.correlationId, code };
      if (known) this.options.logger.warn({ ...log, reason: error.message }, 'command failed');
      else this.options.logger.error({ ...log, err: error }, 'command crashed');
      return failure(command.id, known ? error : new BackendError('internal', 'the agent failed to run the command'));
    }
  }

  private perform(command: Command): Promise<CommandData> {
    const { backend, policy } = this.options;
    switch (command.type) {
      case 'start':
        return backend.startPrint();
      case 'pause':
        return backend.pause();
      case 'resume':
        return backend.resume();
      case 'cancel':
        return backend.cancel();
      case 'home':
        return backend.home(command.args.axes);
      case 'jog':
        return backend.jog(command.args);
      case 'temperature': {
        const verdict = policy.checkTemperature(command.args.heater, command.args.target);
        if (!verdict.ok) throw new BackendError('blocked', verdict.reason);
        return backend.setTemperature(command.args);
      }
      case 'gcode': {
        const verdict = policy.checkLines(command.args.lines);
        if (!verdict.ok) throw new BackendError('blocked', verdict.reason);
        return backend.sendGcode(command.args.lines);
      }
      case 'connect':
        return backend.connect(command.args);
      case 'disconnect':
        return backend.disconnect();
      case 'snapshot':
        return this.options.captureFrame();
      case 'dispatch':
        return this.options.dispatcher.dispatch(command.args);
      case 'emergency_stop':
        return backend.emergencyStop();
    }
  }

  private exclusively<T>(task: () => Promise<T>): Promise<T> {
    const run = this.jobLock.then(task, task);
    this.jobLock = run.catch(() => undefined);
    return run;
  }

  private prune(): void {
    const ttl = this.options.historyTtlMs ?? 60 * 60_000;
    const max = this.options.historySize ?? 1_000;
    const now = Date.now();
    for (const [id, entry] of this.history) {
      if (this.history.size <= max && now - entry.at < ttl) break;
      this.history.delete(id);
    }
  }
}

function failure(id: string, error: BackendError): CommandResult {
  return { id, ok: false, error: { code: error.code, message: error.message.slice(0, 500) }, finishedAt: Date.now() };
}
