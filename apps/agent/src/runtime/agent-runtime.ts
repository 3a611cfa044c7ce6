import { hostname } from 'node:os';

import {
  AGENT_EVENTS,
  AGENT_CAPABILITIES,
  PROTOCOL_VERSION,
  SERVER_EVENTS,
  parseServerMessage,
} from '@farmhand/protocol';
import type { AgentEvent, CommandResult, Hello, ProtocolError } from '@farmhand/protocol';
import type { Logger } from 'pino';

import type { BackendStatus, PrinterBackend } from '../backend/printer-backend';
import { CommandExecutor } from '../commands/command-executor';
import { FileDispatcher } from '../commands/file-dispatcher';
import { GcodePolicy } from '../commands/gcode-policy';
import { AGENT_VERSION } from '../version';
import type { BackoffPolicy } from './backoff';
import { FrameUploader } from './frame-uploader';
import { ServerLink } from './server-link';
import { StatusReporter } from './status-reporter';

export interface AgentRuntimeOptions {
  serverUrl: string;
  credential: string;
  backend: PrinterBackend;
  logger: Logger;
  policy?: GcodePolicy;
  frameIntervalSeconds?: number;
  idleFrameIntervalSeconds?: number;
  maxDispatchBytes?: number;
  backoff?: BackoffPolicy;
  statusMinIntervalMs?: number;
  statusRoutineIntervalMs?: number;
  statusHeartbeatMs?: number;
}

const MAX_QUEUED_EVENTS = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The running agent: watches the printer through its backend, keeps a link to Farmhand, reports status and
 * events, runs commands. The printer side keeps working while the server is away; events wait in a bounded
 * queue and the current state is resent on every (re)connect.
 */
export class AgentRuntime {
  readonly link: ServerLink;
  readonly executor: CommandExecutor;
  readonly frames: FrameUploader;
  private readonly reporter: StatusReporter;
  private readonly queuedEvents: AgentEvent[] = [];
  private readonly startedAt = Date.now();
  private helloVersion: string | null = null;

  constructor(private readonly options: AgentRuntimeOptions) {
    const { backend, logger } = options;
    this.link = new ServerLink({
      serverUrl: options.serverUrl,
      credential: options.credential,
      logger,
      backoff: options.backoff,
    });
    this.frames = new FrameUploader({
      serverUrl: options.serverUrl,
      credential: options.credential,
      backend,
      logger,
      intervalSeconds: options.frameIntervalSeconds,
      idleIntervalSeconds: options.idleFrameIntervalSeconds,
      isServerReachable: () => this.link.connected,
    });
    this.executor = new CommandExecutor({
      backend,
      logger,
      policy: options.policy ?? new GcodePolicy(),
      dispatcher: new FileDispatcher({ backend, logger, maxBytes: options.maxDispatchBytes }),
      captureFrame: () => this.frames.captureAndUpload(),
    });
    this.reporter = new StatusReporter({
      send: (status) => this.link.send(AGENT_EVENTS.status, status),
      minIntervalMs: options.statusMinIntervalMs,
      routineIntervalMs: options.statusRoutineIntervalMs,
      heartbeatMs: options.statusHeartbeatMs,
    });
    backend.on('status', (status: BackendStatus) => this.reporter.update(status));
    backend.on('event', (event: AgentEvent) => this.onBackendEvent(event));
    this.link.on('connected', () => this.onConnected());
    this.link.on('message', (event: string, args: unknown[]) => this.onServerMessage(event, args));
  }

  /** The server link does not wait for OctoPrint: an agent whose OctoPrint is down still reports that. */
  async start(): Promise<void> {
    this.reporter.start();
    const backendStarted = this.options.backend.start();
    this.link.connect();
    this.frames.start();
    await backendStarted;
  }

  async stop(): Promise<void> {
    this.frames.stop();
    this.reporter.stop();
    this.link.close();
    await this.options.backend.stop();
  }

  private hello(): Hello {
    this.helloVersion = this.options.backend.version();
    return {
      protocolVersion: PROTOCOL_VERSION,
      agentVersion: AGENT_VERSION,
      backend: this.options.backend.kind,
      backendVersion: this.helloVersion,
      capabilities: [...AGENT_CAPABILITIES],
      hostname: hostname().slice(0, 255),
      startedAt: this.startedAt,
    };
  }

  private onConnected(): void {
    this.link.send(AGENT_EVENTS.hello, this.hello());
    this.reporter.update(this.options.backend.status());
    this.reporter.sendNow();
    while (this.queuedEvents.length > 0 && this.link.connected) {
      this.link.send(AGENT_EVENTS.event, this.queuedEvents.shift());
    }
  }

  private onBackendEvent(event: AgentEvent): void {
    if (event.type === 'connection.changed' && event.link === 'backend' && event.connected && this.link.connected) {
      // OctoPrint was unreachable when we said hello: say it again now that its version is known.
      if (this.helloVersion === null && this.options.backend.version() !== null) {
        this.link.send(AGENT_EVENTS.hello, this.hello());
      }
    }
    if (this.link.send(AGENT_EVENTS.event, event)) return;
    this.queuedEvents.push(event);
    if (this.queuedEvents.length > MAX_QUEUED_EVENTS) this.queuedEvents.shift();
  }

  private onServerMessage(event: string, args: unknown[]): void {
    const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (result: unknown) => void) : null;
    const parsed = parseServerMessage(event, args[0]);
    if (!parsed.ok) return this.rejectMessage(event, parsed.error, ack);
    const message = parsed.value;
    if (message.event === SERVER_EVENTS.welcome) {
      if (message.data.frameIntervalSeconds) this.frames.setInterval(message.data.frameIntervalSeconds);
    } else if (message.event === SERVER_EVENTS.protocolError) {
      this.options.logger.warn({ code: message.data.code, event: message.data.event }, 'server rejected a message');
    } else if (message.event === SERVER_EVENTS.closing) {
      this.link.reconnectSoon(message.data.reconnectWithinMs);
    } else {
      void this.executor.execute(message.data).then((result) => this.reply(result, ack));
    }
  }

  /** Answers a bad message with a protocol error (never an error with an error) and keeps running. */
  private rejectMessage(event: string, error: ProtocolError, ack: ((result: unknown) => void) | null): void {
    this.options.logger.warn(
      { event: error.event, code: error.code, detail: error.message },
      'dropped a server message',
    );
    if (event === SERVER_EVENTS.protocolError) return;
    this.link.send(AGENT_EVENTS.protocolError, error);
    // A command we can identify gets a failed result too, so the caller does not wait for its timeout.
    if (event === SERVER_EVENTS.command && error.id && UUID.test(error.id)) {
      const code = error.code === 'too_large' ? 'too_large' : 'invalid_arguments';
      this.reply({ id: error.id, ok: false, error: { code, message: error.message }, finishedAt: Date.now() }, ack);
    } else if (ack) {
      ack({ ok: false, error });
    }
  }

  private reply(result: CommandResult, ack: ((result: unknown) => void) | null): void {
    if (ack) ack(result);
    else this.link.send(AGENT_EVENTS.commandResult, result);
  }
}
