import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, LOGGER, createRedis, redisSocketAdapter, type AppConfig } from '@farmhand/core';
import {
  AGENT_EVENTS,
  AGENT_NAMESPACE,
  GATEWAY_SERVER_EVENTS,
  SERVER_EVENTS,
  parseAgentMessage,
} from '@farmhand/protocol';
import type {
  AgentSettings,
  CameraStream,
  Command,
  CommandResult,
  DetachReason,
  PrinterEnvelope,
  ProtocolError,
} from '@farmhand/protocol';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Server, type Namespace } from 'socket.io';
import { COMMAND_TIMEOUTS, agentRoom, gatewayRoom } from '../agents.limits';

/** Inter-instance message (socket.io `serverSideEmit`): end a printer's gateway attachments held on any instance. */
export const DETACH_PRINTER_EVENT = 'farmhand:detach-printer';
export interface DetachPrinterRequest {
  printerId: string;
  reason: DetachReason;
  /** The attachment that stays (a new one replacing the older ones). */
  exceptChannelId?: string;
}

export type Delivery =
  | { status: 'answered'; result: CommandResult; attempts: number }
  /** No socket of the printer on any instance when the command was first sent. */
  | { status: 'offline' }
  /** No valid answer before the deadline; `delivered`: at least one socket received it. */
  | { status: 'timeout'; delivered: boolean; attempts: number }
  /** The agent answered with something that is not a result for this command. */
  | { status: 'rejected'; error: ProtocolError | null };

/**
 * Delivers commands to printer agents wherever they are connected: socket.io's Redis adapter carries an emit to a
 * printer's room to the instance holding the socket and its acknowledgement back. The api attaches its `/agent`
 * namespace; other roles (the worker, the fleet benchmark) get a socket-less socket.io server on the same adapter.
 *
 * A command keeps its id across redeliveries and carries `expiresAt`, so an agent runs it at most once and never
 * after the caller stopped waiting.
 */
@Injectable()
export class AgentCommandBus implements OnApplicationShutdown {
  private namespace: Namespace | null = null;
  private detachLocal: ((request: DetachPrinterRequest) => void) | null = null;
  private standalone: { server: Server; pub: Redis; sub: Redis; ready: Promise<unknown> } | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'REDIS_URL' | 'REDIS_PREFIX'>,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  attach(namespace: Namespace): void {
    this.namespace = namespace;
  }

  /** The api's handler for detach requests, local or from other instances. */
  onDetachRequest(handler: (request: DetachPrinterRequest) => void): void {
    this.detachLocal = handler;
    this.namespace?.on(DETACH_PRINTER_EVENT, (request: DetachPrinterRequest) => handler(request));
  }

  async onApplicationShutdown(): Promise<void> {
    const standalone = this.standalone;
    this.standalone = null;
    if (!standalone) return;
    // A socket-less server has no engine to close (socket.io's close() would throw): close the adapter alone, then
    // quit Redis after its unsubscribe calls, which the same connection answers first.
    await Promise.resolve(standalone.server.of(AGENT_NAMESPACE).adapter.close()).catch(() => undefined);
    await Promise.all([standalone.pub.quit().catch(() => undefined), standalone.sub.quit().catch(() => undefined)]);
  }

  /**
   * Closes every link of the printer, on every instance: its single-printer sockets, and its attachments on gateway
   * sockets (only the attachment: the gateway's other printers stay connected).
   */
  disconnectPrinter(printerId: string, reason: DetachReason = 'revoked'): void {
    this.target().in(agentRoom(printerId)).disconnectSockets(true);
    this.detachPrinter({ printerId, reason });
  }

  /** Ends the printer's gateway attachments on every instance (this one directly, the others over the adapter). */
  detachPrinter(request: DetachPrinterRequest): void {
    this.detachLocal?.(request);
    try {
      this.target().serverSideEmit(DETACH_PRINTER_EVENT, request);
    } catch (error) {
      this.logger.warn({ err: error, printerId: request.printerId }, 'could not ask other instances to detach');
    }
  }

  /** Sends the printer's settings to its agent, on whichever instance holds its socket (none: it gets them at hello). */
  async sendSettings(printerId: string, settings: AgentSettings): Promise<void> {
    const namespace = this.target();
    if (this.standalone) await this.standalone.ready;
    namespace.to(agentRoom(printerId)).emit(SERVER_EVENTS.settings, settings);
    namespace
      .to(gatewayRoom(printerId))
      .emit(GATEWAY_SERVER_EVENTS.printer, envelope(printerId, SERVER_EVENTS.settings, settings));
  }

  /** Asks the printer's agent, wherever it is connected, to stream its camera (or to stop: fps 0). No answer. */
  requestCamera(printerId: string, request: CameraStream): void {
    const namespace = this.target();
    namespace.to(agentRoom(printerId)).emit(SERVER_EVENTS.cameraStream, request);
    namespace
      .to(gatewayRoom(printerId))
      .emit(GATEWAY_SERVER_EVENTS.printer, envelope(printerId, SERVER_EVENTS.cameraStream, request));
  }

  /** Sends until a valid result arrives or `deadline` (epoch ms, also the command's `expiresAt`) passes. */
  async deliver(printerId: string, command: Command, deadline: number): Promise<Delivery> {
    const namespace = this.target();
    if (this.standalone) await this.standalone.ready;
    const total = Math.max(deadline - Date.now(), 0);
    const attemptMs = Math.max(COMMAND_TIMEOUTS.minAttemptMs, Math.round(total * COMMAND_TIMEOUTS.attemptShare));
    let attempts = 0;
    let delivered = false;
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return { status: 'timeout', delivered, attempts };
      attempts += 1;
      const { responses, complete } = await this.emit(namespace, printerId, command, Math.min(remaining, attemptMs));
      if (responses.length > 0) return this.interpret(printerId, command, responses, attempts);
      if (complete) {
        // Nobody in the room. At first: offline. After a delivery: the agent dropped; wait for it to come back.
        if (!delivered) return { status: 'offline' };
        await sleep(Math.min(COMMAND_TIMEOUTS.redeliveryPauseMs, Math.max(deadline - Date.now(), 0)));
        continue;
      }
      delivered = true;
      this.logger.info({ printerId, commandId: command.id, attempts }, 'command not answered yet; sending it again');
    }
  }

  /**
   * One delivery to the printer's single-printer sockets and, in an envelope, to the gateway sockets it is attached
   * on; the answers of both are gathered (a printer normally has exactly one link).
   */
  private async emit(
    namespace: Namespace,
    printerId: string,
    command: Command,
    timeoutMs: number,
  ): Promise<{ responses: unknown[]; complete: boolean }> {
    const send = (room: string, event: string, payload: unknown) =>
      new Promise<{ responses: unknown[]; complete: boolean }>((resolve) => {
        namespace
          .to(room)
          .timeout(timeoutMs)
          .emit(event, payload, (error: Error | null, responses: unknown[] | null) => {
            resolve({ responses: Array.isArray(responses) ? responses : [], complete: !error });
          });
      });
    const [direct, gateway] = await Promise.all([
      send(agentRoom(printerId), SERVER_EVENTS.command, command),
      send(gatewayRoom(printerId), GATEWAY_SERVER_EVENTS.printer, envelope(printerId, SERVER_EVENTS.command, command)),
    ]);
    return {
      responses: [...direct.responses, ...gateway.responses],
      complete: direct.complete && gateway.complete,
    };
  }

  private interpret(printerId: string, command: Command, responses: unknown[], attempts: number): Delivery {
    let refusal: ProtocolError | null = null;
    for (const response of responses) {
      const parsed = parseAgentMessage(AGENT_EVENTS.commandResult, response);
      if (parsed.ok && parsed.value.event === AGENT_EVENTS.commandResult && parsed.value.data.id === command.id) {
        return { status: 'answered', result: parsed.value.data, attempts };
      }
      refusal ??= parsed.ok ? null : parsed.error;
    }
    this.logger.warn({ printerId, commandId: command.id, code: refusal?.code }, 'agent answered a command oddly');
    return { status: 'rejected', error: refusal };
  }

  private target(): Namespace {
    if (this.namespace) return this.namespace;
    if (!this.standalone) {
      // Not the api (no gateway attached): join the adapter without serving sockets, to reach the api's.
      const pub = createRedis(this.config.REDIS_URL, 'farmhand-agents-bus-pub', { messaging: true });
      const sub = pub.duplicate({ connectionName: 'farmhand-agents-bus-sub' });
      const server = new Server();
      server.adapter(
        redisSocketAdapter(pub, sub, this.config.REDIS_PREFIX, (error) =>
          this.logger.warn({ err: error }, 'command bus lost a publish'),
        ),
      );
      const namespace = server.of(AGENT_NAMESPACE);
      // Until its subscriptions are active, this server is not counted among the adapter's servers and the api's
      // answers would not reach it: an emit then would wrongly find nobody. The adapter subscribed on this
      // connection before the PING, so its answer means they are active.
      const ready = sub.ping().catch((error: unknown) => this.logger.warn({ err: error }, 'command bus not ready'));
      this.standalone = { server, pub, sub, ready };
      return namespace;
    }
    return this.standalone.server.of(AGENT_NAMESPACE);
  }
}

function envelope(printerId: string, event: string, data: unknown): PrinterEnvelope {
  return { printerId, event, data };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
