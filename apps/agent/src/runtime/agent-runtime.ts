import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

import { AGENT_EVENTS, SERVER_EVENTS, isAgentOutdated, parseServerMessage } from '@farmhand/protocol';
import type { AgentEvent, CommandResult, Hello, JobRef, ProtocolError } from '@farmhand/protocol';
import type { Logger } from 'pino';

import { capabilityNames } from '../backend/printer-backend';
import type { BackendStatus, PrinterBackend } from '../backend/printer-backend';
import { CommandExecutor } from '../commands/command-executor';
import { FileDispatcher } from '../commands/file-dispatcher';
import { GcodePolicy } from '../commands/gcode-policy';
import { AGENT_VERSION } from '../version';
import type { BackoffPolicy } from './backoff';
import { CameraStreamer } from './camera-streamer';
import { FrameUploader } from './frame-uploader';
import { ServerLink } from './server-link';
import type { AgentLink } from './server-link';
import { StatusReporter } from './status-reporter';

export interface AgentRuntimeOptions {
  serverUrl: string;
  credential: string;
  backend: PrinterBackend;
  logger: Logger;
  /** The printer's link to Farmhand (a farm gateway passes its printer's share of a multiplexed socket). */
  link?: AgentLink;
  policy?: GcodePolicy;
  frameIntervalSeconds?: number;
  idleFrameIntervalSeconds?: number;
  maxDispatchBytes?: number;
  backoff?: BackoffPolicy;
  statusMinIntervalMs?: number;
  statusRoutineIntervalMs?: number;
  statusHeartbeatMs?: number;
  /** The version this agent reports (default: the release it was built from). */
  agentVersion?: string;
  /**
   * When the printer's host stays unreachable this long during a print, the print is reported failed as of the
   * moment the link was lost (default 600 s; 0 never).
   */
  unreachableFailAfterSeconds?: number;
}

/** A cancel Farmhand sent is credited for the printer's cancel event that follows within this time. */
const CANCEL_ATTRIBUTION_MS = 10 * 60_000;
const ACTIVE_STATES = ['printing', 'pausing', 'paused', 'cancelling'];

const MAX_QUEUED_EVENTS = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The running agent: watches the printer through its backend, keeps a link to Farmhand, reports status and
 * events, runs commands. The printer side keeps working while the server is away; events wait in a bounded
 * queue and the current state is resent on every (re)connect.
 */
export class AgentRuntime {
  readonly link: AgentLink;
  readonly executor: CommandExecutor;
  readonly frames: FrameUploader;
  readonly camera: CameraStreamer;
  private readonly reporter: StatusReporter;
  private readonly queuedEvents: AgentEvent[] = [];
  private readonly startedAt = Date.now();
  private helloVersion: string | null = null;
  private toldOutdated: string | null = null;
  private cancelSentAt = 0;
  /** The job that was running when the host was last seen, and when the link went. */
  private activeJob: JobRef | null = null;
  private linkLost: { at: number; job: JobRef | null; timer: NodeJS.Timeout | null } | null = null;

  constructor(private readonly options: AgentRuntimeOptions) {
    const { backend, logger } = options;
    this.link =
      options.link ??
      new ServerLink({
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
    this.camera = new CameraStreamer({ backend, logger, send: (event, frame) => this.link.send(event, frame) });
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
    backend.on('status', (status: BackendStatus) => {
      this.reporter.update(status);
      this.watchLink(status);
    });
    backend.on('event', (event: AgentEvent) => this.onBackendEvent(event));
    this.link.on('connected', () => this.onConnected());
    // A stream belongs to one connection: after a reconnect the server asks again if someone still watches.
    this.link.on('disconnected', () => this.camera.stop());
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
    this.camera.stop();
    if (this.linkLost?.timer) clearTimeout(this.linkLost.timer);
    this.frames.stop();
    this.reporter.stop();
    this.link.close();
    await this.options.backend.stop();
  }

  private hello(): Hello {
    this.helloVersion = this.options.backend.version();
    return {
      protocolVersion: this.link.protocolVersion,
      agentVersion: this.options.agentVersion ?? AGENT_VERSION,
      backend: this.options.backend.kind,
      backendAddress: this.options.backend.address,
      backendVersion: this.helloVersion,
      capabilities: capabilityNames(this.options.backend.capabilities),
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

  /**
   * The printer's host gone for longer than the limit while printing: the print is reported failed as of the
   * moment the link went, so Farmhand does not wait for the host (or date the failure by its return).
   */
  private watchLink(status: BackendStatus): void {
    if (status.backend === 'ok') {
      if (this.linkLost?.timer) clearTimeout(this.linkLost.timer);
      this.linkLost = null;
      this.activeJob = ACTIVE_STATES.includes(status.state) ? status.job : null;
      return;
    }
    if (status.backend !== 'unreachable' || this.linkLost) return;
    const limitMs = (this.options.unreachableFailAfterSeconds ?? 600) * 1000;
    const lost: { at: number; job: JobRef | null; timer: NodeJS.Timeout | null } = {
      at: Date.now(),
      job: this.activeJob,
      timer: null,
    };
    this.linkLost = lost;
    if (!lost.job || limitMs <= 0) return;
    lost.timer = setTimeout(() => {
      lost.timer = null;
      if (this.linkLost !== lost) return;
      this.activeJob = null;
      const since = new Date(lost.at).toISOString();
      this.options.logger.warn(
        { since, job: lost.job?.fileName },
        'printer unreachable past the limit; print reported failed',
      );
      this.onBackendEvent({
        id: randomUUID(),
        type: 'print.failed',
        at: lost.at,
        job: lost.job,
        reason: `the printer's host has been unreachable since ${since}`,
        origin: 'link_lost',
      });
    }, limitMs);
    lost.timer.unref();
  }

  private onBackendEvent(event: AgentEvent): void {
    if (event.type === 'print.cancelled' && Date.now() - this.cancelSentAt < CANCEL_ATTRIBUTION_MS) {
      this.cancelSentAt = 0;
      event = { ...event, origin: 'farmhand' };
    }
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
      if (message.data.latestAgentVersion) this.checkVersion(message.data.latestAgentVersion);
    } else if (message.event === SERVER_EVENTS.protocolError) {
      this.options.logger.warn({ code: message.data.code, event: message.data.event }, 'server rejected a message');
    } else if (message.event === SERVER_EVENTS.closing) {
      this.link.reconnectSoon(message.data.reconnectWithinMs);
    } else if (message.event === SERVER_EVENTS.settings) {
      this.frames.setInterval(message.data.frameIntervalSeconds);
      this.options.logger.info({ frameIntervalSeconds: message.data.frameIntervalSeconds }, 'settings applied');
    } else if (message.event === SERVER_EVENTS.cameraStream) {
      this.camera.request(message.data);
    } else {
      const command = message.data;
      // Marked before it runs: the printer's cancel event may arrive before the command's own answer.
      if (command.type === 'cancel') this.cancelSentAt = Date.now();
      void this.executor.execute(command).then((result) => {
        if (command.type === 'cancel' && !result.ok) this.cancelSentAt = 0;
        this.reply(result, ack);
      });
    }
  }

  /** Says once per release that the server serves a newer agent, and how to install it. */
  private checkVersion(latest: string): void {
    const version = this.options.agentVersion ?? AGENT_VERSION;
    if (!isAgentOutdated(version, latest) || this.toldOutdated === latest) return;
    this.toldOutdated = latest;
    const install = `curl -fsSL ${this.options.serverUrl.replace(/\/+$/, '')}/agent/install.sh | sh`;
    this.options.logger.warn(
      { agentVersion: version, latestAgentVersion: latest, install },
      `this agent is out of date: it is ${version}, the server serves ${latest}; update it with \`${install}\``,
    );
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
