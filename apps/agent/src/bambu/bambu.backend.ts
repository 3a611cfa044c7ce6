import { spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';

import type { AgentEvent, BackendLink, JobRef, JogArgs, PrintEventType, TemperatureArgs } from '@farmhand/protocol';
import { MqttClient } from 'mqtt';
import type { Logger } from 'pino';

import { JobLedger } from '../backend/job-ledger';
import {
  BackendError,
  BackendRefusedError,
  BackendUnauthorizedError,
  BackendUnreachableError,
  BackendUnsupportedError,
} from '../backend/printer-backend';
import type {
  BackendCapabilities,
  BackendStatus,
  CommandData,
  PrinterBackend,
  UploadRequest,
} from '../backend/printer-backend';
import { cameraSnapshot, CAMERA_PORT } from './bambu-camera';
import {
  BambuSequence,
  gcodeLine,
  getVersion,
  printControl,
  projectFile,
  pushAll,
  PUSHALL_MIN_INTERVAL_MS,
  PushAllLimiter,
} from './bambu-commands';
import type { BambuRequest } from './bambu-commands';
import { FTPS_PORT, uploadOverFtps } from './bambu-ftps';
import { cameraKind, sendsPartialReports } from './bambu-models';
import type { BambuModel } from './bambu-models';
import { mergeReport, observe, observeTrays, readReply } from './bambu-report';
import type { BambuReport, BambuReply } from './bambu-report';
import { assertSerial, BambuCertificateError, connectVerified } from './bambu-tls';
import type { CertificatePins } from '../backend/backend-target';

export const MQTT_PORT = 8883;
/** The HMS code firmware with Authorization Control answers when a command is not signed (Developer Mode off). */
export const COMMAND_VERIFICATION_FAILED = 84033543;

export interface BambuPrintOptions {
  plate?: number;
  useAms?: boolean;
  amsMapping?: number[];
}

export interface BambuBackendOptions {
  host: string;
  serial: string;
  accessCode: string;
  model: BambuModel;
  pins: CertificatePins;
  logger: Logger;
  ledger?: JobLedger;
  ports?: { mqtt?: number; ftps?: number; camera?: number; rtsps?: number };
  commandTimeoutMs?: number;
  reconnectMs?: number;
  /** How long to wait before retrying after the printer refused the access code. */
  unauthorizedRetryMs?: number;
  pushAllIntervalMs?: number;
  /** Default print options for a `.3mf` dispatched without its own. */
  print?: BambuPrintOptions;
  /** Path of ffmpeg for X1/H2 RTSPS cameras; looked up on PATH when absent. */
  ffmpegPath?: string | null;
}

/** Serials with a live MQTT client in this process: P1/A1 brokers accept only a few clients, so one each. */
const connectedSerials = new Set<string>();
/** Per serial, so that reconnects (or a restarted backend) do not ask for `pushall` more often than allowed. */
const pushAllLimiters = new Map<string, PushAllLimiter>();

const ACTIVE = new Set(['printing', 'pausing', 'paused', 'cancelling']);
const ACCESS_CODE = /^[\x21-\x7e]{1,32}$/;
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._()-]{0,120}\.3mf$/i;

/**
 * PrinterBackend for a Bambu Lab printer in LAN Only mode: MQTT over TLS (8883) for state and commands, implicit
 * FTPS (990) for files, the port-6000 JPEG camera (A1/P1) or RTSPS through ffmpeg (X1/H2).
 */
export class BambuBackend extends EventEmitter implements PrinterBackend {
  readonly kind = 'bambu' as const;
  readonly capabilities: BackendCapabilities;
  readonly address: string;
  private client: MqttClient | null = null;
  private report: BambuReport = {};
  private linkState: BackendLink = 'unreachable';
  private linkError: string | null = null;
  /** Set when the printer refused a command as unsigned: LAN Only without Developer Mode. */
  private developerModeOff = false;
  private readonly sequence = new BambuSequence();
  private readonly pending = new Map<string, (reply: BambuReply) => void>();
  private readonly ledger: JobLedger;
  private lastState: BackendStatus['state'] = 'unknown';
  private cancelRequested = false;
  private lastUploaded: string | null = null;
  private firmware: string | null = null;
  /** Until the printer tells its firmware version (or 3 s pass), the link is not announced: hello carries it. */
  private versionWait: NodeJS.Timeout | null = null;

  constructor(private readonly options: BambuBackendOptions) {
    super();
    assertSerial(options.serial);
    if (!ACCESS_CODE.test(options.accessCode)) throw new RangeError('accessCode must be 1-32 printable characters');
    this.ledger = options.ledger ?? new JobLedger();
    this.address = `${options.host.replace(/[^A-Za-z0-9.:[\]_-]/g, '').slice(0, 120)} (${options.model} ${options.serial})`;
    const jpegCamera = cameraKind(options.model) === 'jpeg-6000';
    const canSnapshot = jpegCamera || this.ffmpeg() !== null;
    this.capabilities = {
      // No emergency stop: Bambu's LAN protocol has none (print.stop is the strongest), and M112 over gcode_line is
      // undocumented; connect/disconnect have no meaning without a serial link.
      commands: ['start', 'pause', 'resume', 'cancel', 'home', 'jog', 'temperature', 'gcode'],
      uploadFormats: ['3mf'],
      snapshot: canSnapshot,
      liveCamera: canSnapshot,
    };
  }

  private ffmpegPath: string | null | undefined;

  private ffmpeg(): string | null {
    if (this.ffmpegPath === undefined) {
      this.ffmpegPath = this.options.ffmpegPath === undefined ? findFfmpeg() : this.options.ffmpegPath;
    }
    return this.ffmpegPath;
  }

  private get topic() {
    return { report: `device/${this.options.serial}/report`, request: `device/${this.options.serial}/request` };
  }

  async start(): Promise<void> {
    if (this.client) return;
    if (connectedSerials.has(this.options.serial)) {
      throw new BackendError('invalid_state', `printer ${this.options.serial} already has an MQTT connection here`);
    }
    connectedSerials.add(this.options.serial);
    const { serial, host, pins, logger } = this.options;
    const port = this.options.ports?.mqtt ?? MQTT_PORT;
    const client = new MqttClient(
      () =>
        connectVerified({
          host,
          port,
          serial,
          pins,
          onPinned: (sha256) => logger.info({ serial, sha256 }, 'bambu: pinned the printer certificate on first use'),
        }),
      {
        protocolVersion: 4,
        clientId: `farmhand_${randomBytes(6).toString('hex')}`,
        username: 'bblp',
        password: this.options.accessCode,
        clean: true,
        keepalive: 30,
        reconnectPeriod: this.options.reconnectMs ?? 5_000,
        connectTimeout: 10_000,
      },
    );
    this.client = client;
    client.on('connect', () => this.onConnect());
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('error', (error) => this.onError(error));
    client.on('close', () => {
      if (this.linkState === 'ok') this.setLink('unreachable', 'the MQTT connection to the printer closed');
    });
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (this.versionWait) clearTimeout(this.versionWait);
    this.versionWait = null;
    for (const resolve of this.pending.values()) resolve({ sequenceId: '', command: '', ok: false, reason: 'stopped' });
    this.pending.clear();
    if (client) {
      await client.endAsync(true);
      connectedSerials.delete(this.options.serial);
    }
  }

  status(): BackendStatus {
    const seen = observe(this.report);
    const linked = this.linkState === 'ok';
    const job: JobRef | null =
      linked && seen.fileName && ACTIVE.has(seen.state) ? this.ledger.jobRef(seen.fileName) : null;
    return {
      state: linked ? seen.state : 'offline',
      stateText: linked ? seen.stateText : null,
      backend: this.linkState,
      temperatures: { tool0: linked ? seen.tool0 : null, bed: linked ? seen.bed : null },
      job,
      progress: job ? seen.progress : null,
      printTime: null,
      printTimeLeft: job ? seen.printTimeLeft : null,
      z: null,
      error: this.errorText(seen.error),
      ...(linked ? this.trays() : {}),
    };
  }

  /** The AMS trays as last reported; absent when the printer has no AMS (or reported none loaded). */
  private trays(): Pick<BackendStatus, 'filamentSlots'> {
    const slots = observeTrays(this.report);
    return slots.length ? { filamentSlots: slots } : {};
  }

  private errorText(printerError: string | null): string | null {
    if (this.linkError) return this.linkError;
    if (this.developerModeOff) {
      return 'the printer refuses commands from LAN clients: turn on LAN Only mode and Developer Mode on its screen';
    }
    return printerError;
  }

  link(): BackendLink {
    return this.linkState;
  }

  version(): string | null {
    return this.firmware;
  }

  async startPrint(): Promise<CommandData> {
    if (!this.lastUploaded) throw new BackendRefusedError('no file was uploaded to start');
    return this.project(this.lastUploaded, this.options.print ?? {});
  }

  pause(): Promise<CommandData> {
    return this.control('pause', ['printing'], 'no print is running');
  }

  resume(): Promise<CommandData> {
    return this.control('resume', ['paused'], 'the print is not paused');
  }

  async cancel(): Promise<CommandData> {
    this.cancelRequested = true;
    try {
      return await this.control('stop', ['printing', 'paused'], 'no print to cancel');
    } catch (error) {
      this.cancelRequested = false;
      throw error;
    }
  }

  home(axes: Array<'x' | 'y' | 'z'>): Promise<CommandData> {
    const named = axes.length === 0 ? '' : ' ' + axes.map((axis) => axis.toUpperCase()).join(' ');
    return this.gcode([`G28${named}`]);
  }

  jog(args: JogArgs): Promise<CommandData> {
    const moves = (['x', 'y', 'z'] as const)
      .filter((axis) => typeof args[axis] === 'number')
      .map((axis) => `${axis.toUpperCase()}${args[axis]}`);
    if (moves.length === 0) throw new BackendError('invalid_arguments', 'jog needs x, y or z');
    const speed = typeof args.speed === 'number' ? ` F${args.speed}` : '';
    return this.gcode(
      args.absolute ? ['G90', `G0 ${moves.join(' ')}${speed}`] : ['G91', `G0 ${moves.join(' ')}${speed}`, 'G90'],
    );
  }

  setTemperature(args: TemperatureArgs): Promise<CommandData> {
    return this.gcode([args.heater === 'bed' ? `M140 S${args.target}` : `M104 S${args.target}`]);
  }

  sendGcode(lines: string[]): Promise<CommandData> {
    return this.gcode(lines);
  }

  emergencyStop(): Promise<CommandData> {
    return Promise.reject(
      new BackendUnsupportedError('Bambu printers offer no emergency stop over LAN: use cancel, or the printer screen'),
    );
  }

  connect(): Promise<CommandData> {
    return Promise.reject(new BackendUnsupportedError('a Bambu printer has no serial link to connect'));
  }

  disconnect(): Promise<CommandData> {
    return Promise.reject(new BackendUnsupportedError('a Bambu printer has no serial link to disconnect'));
  }

  async snapshot(): Promise<Buffer> {
    const { host, serial, accessCode, pins } = this.options;
    if (cameraKind(this.options.model) === 'jpeg-6000') {
      try {
        return await cameraSnapshot({
          host,
          serial,
          accessCode,
          pins,
          port: this.options.ports?.camera ?? CAMERA_PORT,
        });
      } catch (error) {
        throw this.asBackendError(error, 'camera');
      }
    }
    return this.rtspsSnapshot();
  }

  async uploadAndSelect(request: UploadRequest & { bambu?: BambuPrintOptions }): Promise<CommandData> {
    if (!FILE_NAME.test(request.fileName)) {
      throw new BackendError('invalid_arguments', 'a Bambu printer prints .3mf files (letters, digits, " ._()-")');
    }
    if (this.linkState !== 'ok')
      throw new BackendError('backend_unreachable', this.linkError ?? 'printer not connected');
    if (request.print && ACTIVE.has(observe(this.report).state)) {
      throw new BackendRefusedError('the printer is already printing');
    }
    const { host, serial, accessCode, pins } = this.options;
    try {
      await uploadOverFtps({
        host,
        serial,
        accessCode,
        pins,
        port: this.options.ports?.ftps ?? FTPS_PORT,
        localPath: request.localPath,
        remoteName: request.fileName,
      });
    } catch (error) {
      throw this.asBackendError(error, 'FTPS upload');
    }
    this.lastUploaded = request.fileName;
    this.ledger.remember(request.fileName, { sha256: request.sha256, copyId: request.copyId });
    if (!request.print) return { uploaded: request.fileName };
    return {
      uploaded: request.fileName,
      ...(await this.project(request.fileName, { ...this.options.print, ...request.bambu })),
    };
  }

  private async project(fileName: string, print: BambuPrintOptions): Promise<CommandData> {
    let request: BambuRequest;
    const amsMapping = print.amsMapping ?? [];
    try {
      request = projectFile(this.sequence.take(), {
        fileName,
        plate: print.plate ?? 1,
        useAms: print.useAms ?? amsMapping.length > 0,
        amsMapping,
      });
    } catch (error) {
      throw new BackendError('invalid_arguments', (error as Error).message);
    }
    await this.send(request);
    return { started: fileName, plate: print.plate ?? 1 };
  }

  private async control(
    command: 'pause' | 'resume' | 'stop',
    allowed: string[],
    refusal: string,
  ): Promise<CommandData> {
    this.requireLink();
    if (!allowed.includes(observe(this.report).state)) throw new BackendRefusedError(refusal);
    await this.send(printControl(this.sequence.take(), command));
    return { sent: command };
  }

  private async gcode(lines: string[]): Promise<CommandData> {
    this.requireLink();
    let request: BambuRequest;
    try {
      request = gcodeLine(this.sequence.take(), lines);
    } catch (error) {
      throw new BackendError('invalid_arguments', (error as Error).message);
    }
    await this.send(request);
    return { lines: lines.length };
  }

  private requireLink(): void {
    if (this.linkState !== 'ok') {
      throw new BackendError(
        this.linkState === 'unauthorized' ? 'backend_unauthorized' : 'backend_unreachable',
        this.linkError ?? 'printer not connected',
      );
    }
  }

  /** Publishes to `request` (never to `report`) and waits for the printer's answer with the same sequence id. */
  private async send(request: BambuRequest): Promise<BambuReply> {
    const client = this.client;
    if (!client) throw new BackendError('backend_unreachable', 'not started');
    const [section] = Object.values(request);
    const reply = new Promise<BambuReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(section.sequence_id);
        reject(new BackendError('timeout', `the printer did not answer ${section.command}`));
      }, this.options.commandTimeoutMs ?? 10_000);
      this.pending.set(section.sequence_id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
    });
    try {
      await client.publishAsync(this.topic.request, JSON.stringify(request), { qos: 1 });
    } catch (error) {
      this.pending.delete(section.sequence_id);
      throw new BackendError('backend_unreachable', (error as Error).message);
    }
    const answer = await reply;
    if (!answer.ok) {
      throw new BackendError(
        this.developerModeOff ? 'backend_unauthorized' : 'backend_error',
        this.developerModeOff
          ? (this.errorText(null) ?? 'refused')
          : `the printer refused ${section.command}${answer.reason ? `: ${answer.reason}` : ''}`,
      );
    }
    return answer;
  }

  private onConnect(): void {
    const client = this.client;
    if (!client) return;
    client.options.reconnectPeriod = this.options.reconnectMs ?? 5_000;
    client.subscribe(this.topic.report, { qos: 0 }, (error) => {
      if (error) {
        this.options.logger.warn({ serial: this.options.serial, err: error.message }, 'bambu: subscribe refused');
        return;
      }
      this.requestFullReport();
      if (this.firmware !== null) return this.setLink('ok', null);
      client.publish(this.topic.request, JSON.stringify(getVersion(this.sequence.take())), { qos: 1 });
      if (this.versionWait) clearTimeout(this.versionWait);
      this.versionWait = setTimeout(() => this.versionKnown(), 3_000);
    });
  }

  private versionKnown(): void {
    if (this.versionWait) clearTimeout(this.versionWait);
    this.versionWait = null;
    if (this.client?.connected) this.setLink('ok', null);
  }

  /** A full report on (re)connect, at most every 5 minutes on P1/A1 (they push only changes otherwise). */
  private requestFullReport(): void {
    const interval =
      this.options.pushAllIntervalMs ?? (sendsPartialReports(this.options.model) ? PUSHALL_MIN_INTERVAL_MS : 0);
    let limiter = pushAllLimiters.get(this.options.serial);
    if (!limiter) pushAllLimiters.set(this.options.serial, (limiter = new PushAllLimiter(interval)));
    if (!limiter.tryTake()) return;
    this.client?.publish(this.topic.request, JSON.stringify(pushAll(this.sequence.take())), { qos: 1 });
  }

  private onMessage(topic: string, payload: Buffer): void {
    if (topic !== this.topic.report || payload.length > 1024 * 1024) return;
    let message: unknown;
    try {
      message = JSON.parse(payload.toString('utf8'));
    } catch {
      return;
    }
    if (message === null || typeof message !== 'object' || Array.isArray(message)) return;
    for (const [type, value] of Object.entries(message as Record<string, unknown>)) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
      const section = value as Record<string, unknown>;
      if (
        section.err_code === COMMAND_VERIFICATION_FAILED ||
        section.err_code === String(COMMAND_VERIFICATION_FAILED)
      ) {
        if (!this.developerModeOff) {
          this.developerModeOff = true;
          this.options.logger.warn({ serial: this.options.serial }, 'bambu: commands refused, Developer Mode is off');
        }
        this.answer(section, false);
        this.emitStatus();
        continue;
      }
      if (type === 'print' && section.command === 'push_status') this.absorb(section);
      else if (type === 'info' && section.command === 'get_version') this.readVersion(section);
      this.answer(section, null);
    }
  }

  private answer(section: Record<string, unknown>, forced: boolean | null): void {
    const reply =
      readReply(section) ??
      (typeof section.sequence_id === 'string' && forced === false
        ? { sequenceId: section.sequence_id, command: String(section.command), ok: false, reason: 'refused' }
        : null);
    if (!reply) return;
    const resolve = this.pending.get(reply.sequenceId);
    if (!resolve) return;
    this.pending.delete(reply.sequenceId);
    resolve(forced === false ? { ...reply, ok: false } : reply);
  }

  private readVersion(section: Record<string, unknown>): void {
    const modules = Array.isArray(section.module) ? (section.module as Array<Record<string, unknown>>) : [];
    const ota = modules.find((module) => module?.name === 'ota');
    if (typeof ota?.sw_ver === 'string') this.firmware = ota.sw_ver.slice(0, 40);
    if (this.versionWait) this.versionKnown();
  }

  private absorb(section: Record<string, unknown>): void {
    const { sequence_id: _sequence, command: _command, ...fields } = section;
    this.report = mergeReport(this.report, fields);
    this.emitStatus();
  }

  private emitStatus(): void {
    const status = this.status();
    const previous = this.lastState;
    this.lastState = status.state;
    const event = this.impliedEvent(previous, status.state, observe(this.report));
    if (event) {
      const fileName = observe(this.report).fileName;
      this.emitEvent({
        id: randomUUID(),
        type: event,
        at: Date.now(),
        job: fileName ? this.ledger.jobRef(fileName) : null,
        reason: event === 'print.failed' ? (observe(this.report).error ?? 'failed on the printer') : null,
      });
    }
    this.emit('status', status);
  }

  private impliedEvent(
    previous: BackendStatus['state'],
    next: BackendStatus['state'],
    seen: ReturnType<typeof observe>,
  ): PrintEventType | null {
    if (previous === 'unknown' || previous === 'offline') return null;
    if (!ACTIVE.has(previous) && next === 'printing') return 'print.started';
    if (previous === 'printing' && next === 'paused') return 'print.paused';
    if (previous === 'paused' && next === 'printing') return 'print.resumed';
    if (ACTIVE.has(previous) && next === 'operational') {
      const cancelled = this.cancelRequested;
      this.cancelRequested = false;
      if (cancelled) return 'print.cancelled';
      return seen.stateText === 'FINISH'
        ? 'print.done'
        : seen.stateText === 'FAILED'
          ? 'print.failed'
          : 'print.cancelled';
    }
    return null;
  }

  private emitEvent(event: AgentEvent): void {
    this.emit('event', event);
  }

  private onError(error: Error & { code?: unknown }): void {
    const { serial, logger } = this.options;
    if (error instanceof BambuCertificateError) {
      logger.error({ serial, reason: error.reason }, error.message);
      if (this.client) this.client.options.reconnectPeriod = this.options.unauthorizedRetryMs ?? 60_000;
      this.setLink('unreachable', error.message);
      return;
    }
    // CONNACK 4 (bad user name or password) and 5 (not authorized).
    if (error.code === 4 || error.code === 5) {
      logger.warn({ serial }, 'bambu: the printer refused the access code');
      if (this.client) this.client.options.reconnectPeriod = this.options.unauthorizedRetryMs ?? 60_000;
      this.setLink(
        'unauthorized',
        "the printer refused the access code: read it again from the printer's screen (Settings → WLAN, LAN Only mode)",
      );
      return;
    }
    if (error.code === 'ECONNREFUSED') {
      this.setLink(
        'unreachable',
        `nothing answers on port ${this.options.ports?.mqtt ?? MQTT_PORT}: is the printer on, in LAN Only mode?`,
      );
      return;
    }
    this.setLink('unreachable', `cannot reach the printer: ${error.message.slice(0, 200)}`);
  }

  private setLink(link: BackendLink, error: string | null): void {
    const changed = link !== this.linkState || error !== this.linkError;
    const wasOk = this.linkState === 'ok';
    this.linkState = link;
    this.linkError = error;
    if (!changed) return;
    if (wasOk !== (link === 'ok')) {
      this.emitEvent({
        id: randomUUID(),
        type: 'connection.changed',
        at: Date.now(),
        link: 'backend',
        connected: link === 'ok',
        reason: error,
      });
    }
    this.emitStatus();
  }

  private asBackendError(error: unknown, what: string): BackendError {
    if (error instanceof BackendError) return error;
    if (error instanceof BambuCertificateError) return new BackendUnreachableError(error.message);
    const message = (error as Error).message ?? String(error);
    if (/530|login|auth/i.test(message)) return new BackendUnauthorizedError(`${what}: access code refused`);
    return new BackendError('backend_error', `${what}: ${message.slice(0, 300)}`);
  }

  /** X1/H2: one frame from the RTSPS stream through ffmpeg, after the same certificate check on port 322. */
  private async rtspsSnapshot(): Promise<Buffer> {
    const ffmpeg = this.ffmpeg();
    if (!ffmpeg) {
      throw new BackendUnsupportedError('X1/H2 cameras stream RTSPS: install ffmpeg on the gateway for snapshots');
    }
    const { host, serial, pins, accessCode } = this.options;
    const port = this.options.ports?.rtsps ?? 322;
    await new Promise<void>((resolve, reject) => {
      const probe = connectVerified({ host, port, serial, pins });
      probe.once('secureConnect', () =>
        setImmediate(() => (probe.destroyed ? undefined : (probe.destroy(), resolve()))),
      );
      probe.once('error', (error) => reject(this.asBackendError(error, 'camera')));
    });
    const url = `rtsps://bblp:${encodeURIComponent(accessCode)}@${host}:${port}/streaming/live/1`;
    return new Promise<Buffer>((resolve, reject) => {
      const child = spawn(
        ffmpeg,
        [
          '-loglevel',
          'error',
          '-rtsp_transport',
          'tcp',
          '-i',
          url,
          '-frames:v',
          '1',
          '-f',
          'image2',
          '-c:v',
          'mjpeg',
          'pipe:1',
        ],
        {
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      );
      const chunks: Buffer[] = [];
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
      child.on('error', (error) => reject(new BackendError('backend_error', `ffmpeg: ${error.message}`)));
      child.on('close', (code) => {
        clearTimeout(timer);
        const frame = Buffer.concat(chunks);
        if (code === 0 && frame.length > 0) resolve(frame);
        else reject(new BackendError('backend_error', 'ffmpeg could not read a frame from the printer camera'));
      });
    });
  }
}

function findFfmpeg(): string | null {
  const found = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' });
  return found.status === 0 ? 'ffmpeg' : null;
}
