import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import { defineAbilityFor, subject, type Action, type Principal } from '@farmhand/authz';
import { DomainException, LOGGER, RequestContext } from '@farmhand/core';
import { PrintersService } from '@farmhand/printers';
import { SERVER_EVENTS, correlationIdSchema, parseServerMessage } from '@farmhand/protocol';
import type { Command, CommandInput, CommandType } from '@farmhand/protocol';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { COMMAND_TIMEOUTS } from '../agents.limits';
import { AgentsException } from '../agents.exception';
import { AgentStats } from '../gateway/agent-stats.service';
import { AgentCommandBus, type Delivery } from './agent-command.bus';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A command as callers build it: the id (and `issuedAt`/`expiresAt`) are set here unless given. */
export type ControlCommand = DistributiveOmit<CommandInput, 'id'> & { id?: string };

export interface ExecuteOptions {
  /** How long to wait for the agent's result; defaults per command type, clamped to COMMAND_TIMEOUTS. */
  timeoutMs?: number;
  /** Reuse an id to retry a command safely: the agent runs an id once and answers again with the same result. */
  commandId?: string;
}

/** The ability each command needs on the very printer. Dispatching a file starts a print. */
export const COMMAND_ACTIONS: Record<CommandType, Action> = {
  start: 'start',
  dispatch: 'start',
  pause: 'pause',
  resume: 'resume',
  cancel: 'cancel',
  home: 'home',
  jog: 'jog',
  temperature: 'temperature',
  gcode: 'gcode',
  connect: 'connect',
  disconnect: 'disconnect',
  snapshot: 'read',
  emergency_stop: 'emergency_stop',
};

export function defaultTimeoutMs(type: CommandType): number {
  switch (type) {
    case 'dispatch':
      return COMMAND_TIMEOUTS.dispatchMs;
    case 'start':
      return COMMAND_TIMEOUTS.startMs;
    case 'connect':
    case 'disconnect':
      return COMMAND_TIMEOUTS.connectMs;
    case 'snapshot':
      return COMMAND_TIMEOUTS.snapshotMs;
    default:
      return COMMAND_TIMEOUTS.defaultMs;
  }
}

/** Audit details never carry a dispatch's signed URL (a secret until it expires). */
function auditedArguments(command: Command): Record<string, unknown> {
  const args = { ...(command.args as Record<string, unknown>) };
  delete args.url;
  return args;
}

/**
 * The one control path for every printer action, whoever asks (HTTP, dashboard socket, scheduler, detector): the
 * principal's ability on the very printer, the command to its agent wherever it is connected, the result awaited
 * and recorded in the audit log with the actor.
 */
@Injectable()
export class PrinterControlService {
  constructor(
    private readonly printers: PrintersService,
    private readonly bus: AgentCommandBus,
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
    private readonly stats: AgentStats,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Runs `input` on the printer and returns the agent's result data. Throws DomainException: 404 printer not found
   * or outside the principal's scope, 403 not allowed, 400 invalid arguments, 409 offline or invalid in the
   * printer's state, 504 no answer in time, and the agent's own refusals (see AgentsException).
   */
  async execute(
    principal: Principal,
    orgId: string,
    printerId: string,
    input: ControlCommand,
    options: ExecuteOptions = {},
  ): Promise<unknown> {
    // A principal acts in its own organization only (a user's is the one the request was scoped to).
    if (principal.orgId !== orgId) throw DomainException.notFound('printer_not_found', 'Printer not found');
    const ability = defineAbilityFor(principal);
    const printer = await this.printers.get(ability, orgId, printerId);
    const action = COMMAND_ACTIONS[input.type];
    const audited = { orgId, principal, action: `printer.${input.type}`, subject: { type: 'Printer', id: printerId } };
    if (!ability.can(action, subject('Printer', { ...printer }))) {
      await this.audit.record(this.dataSource.manager, { ...audited, result: 'denied' });
      throw DomainException.forbidden('forbidden', 'You are not allowed to do this');
    }

    const timeoutMs = Math.min(
      Math.max(options.timeoutMs ?? defaultTimeoutMs(input.type), COMMAND_TIMEOUTS.minMs),
      COMMAND_TIMEOUTS.maxMs,
    );
    const issuedAt = Date.now();
    const deadline = issuedAt + timeoutMs;
    const parsed = parseServerMessage(SERVER_EVENTS.command, {
      ...input,
      id: options.commandId ?? input.id ?? randomUUID(),
      issuedAt,
      expiresAt: deadline,
      // The request's or job's id travels to the agent's log; one the protocol would refuse is left out.
      correlationId: correlationIdSchema.safeParse(RequestContext.correlationId()).data,
    });
    if (!parsed.ok || parsed.value.event !== SERVER_EVENTS.command) {
      const message = parsed.ok ? 'not a command' : parsed.error.message;
      throw DomainException.invalid('invalid_command', `Invalid ${input.type} command: ${message}`, 'args');
    }
    const command = parsed.value.data;

    const delivery = await this.bus.deliver(printerId, command, deadline);
    const failure = this.failureOf(delivery, command.id, timeoutMs);
    const elapsedMs = Date.now() - issuedAt;
    this.stats.command(command.type, failure ? failure.code : 'ok', elapsedMs / 1000);
    const details: Record<string, unknown> = {
      commandId: command.id,
      args: auditedArguments(command),
      outcome: failure ? failure.code : 'ok',
      ms: elapsedMs,
    };
    this.logger.info(
      { printerId, commandId: command.id, type: command.type, outcome: details.outcome, ms: elapsedMs },
      'printer command',
    );
    try {
      await this.audit.record(this.dataSource.manager, {
        ...audited,
        result: failure ? 'failure' : 'success',
        details,
      });
    } catch (error) {
      // The printer already acted: answer truthfully and leave the record to the logs.
      this.logger.error({ err: error, printerId, ...details }, 'could not audit a printer command');
    }
    if (failure) throw failure;
    return delivery.status === 'answered' && delivery.result.ok ? (delivery.result.data ?? {}) : {};
  }

  private failureOf(delivery: Delivery, commandId: string, timeoutMs: number): DomainException | null {
    switch (delivery.status) {
      case 'offline':
        return AgentsException.printerOffline(commandId);
      case 'timeout':
        return AgentsException.timeout(commandId, timeoutMs, delivery.delivered);
      case 'rejected':
        return AgentsException.unreadableAnswer(commandId);
      case 'answered':
        return delivery.result.ok
          ? null
          : AgentsException.rejectedByAgent(commandId, delivery.result.error.code, delivery.result.error.message);
    }
  }
}
