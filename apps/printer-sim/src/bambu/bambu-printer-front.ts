import { timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as tls from 'node:tls';

import { Aedes } from 'aedes';
import type { Client, PublishPacket } from 'aedes';
import { FtpSrv } from 'ftp-srv';
import pino from 'pino';

import { VirtualPrinter } from '../core/virtual-printer';
import type { OctoPrintEvent } from '../core/virtual-printer';
import { photoFor } from '../core/webcam-photos';
import type { WebcamPhotos } from '../core/webcam-photos';
import { WebcamRenderer } from '../core/webcam-renderer';
import { printerCertificate } from './bambu-certificate';
import type { PrinterCertificate } from './bambu-certificate';
import { changedFields, fullReport } from './bambu-report-builder';
import type { LastOutcome, ReportContext } from './bambu-report-builder';
import { readArchiveEntry } from './plate-archive';

/** Camera framing per OpenBambuAPI video.md, written here independently of the agent's reader. */
const AUTH_PACKET_SIZE = 80;

function parseCameraAuthPacket(packet: Buffer): { username: string; accessCode: string } | null {
  if (packet.readUInt32LE(0) !== 0x40 || packet.readUInt32LE(4) !== 0x3000) return null;
  const field = (offset: number) =>
    packet
      .subarray(offset, offset + 32)
      .toString('ascii')
      .replace(/\0+$/, '');
  return { username: field(16), accessCode: field(48) };
}

function frameHeader(payloadSize: number): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32LE(payloadSize, 0);
  header.writeUInt32LE(0, 4); // itrack
  header.writeUInt32LE(1, 8); // flags
  header.writeUInt32LE(0, 12);
  return header;
}

/** The HMS code firmware with Authorization Control answers to unsigned commands (Developer Mode off). */
const COMMAND_VERIFICATION_FAILED = 84033543;
const MAX_REQUEST_BYTES = 64 * 1024;

export interface BambuSimOptions {
  serial: string;
  accessCode: string;
  /** A1/P1 send partial reports and stream JPEG on port 6000; X1/H2 send full reports. */
  model?: 'A1' | 'P1S' | 'P1P' | 'X1C' | 'H2D';
  host?: string;
  /** 0 picks a free port; the real printer uses 8883, 990 and 6000. */
  ports?: { mqtt?: number; ftps?: number; camera?: number };
  timeScale?: number;
  /** false: LAN Only without Developer Mode, so every control command is refused as unsigned. */
  developerMode?: boolean;
  /** P1/A1 brokers accept only a few clients. */
  maxClients?: number;
  reportIntervalMs?: number;
  frameIntervalMs?: number;
  /** Defaults to a fresh self-signed certificate with CN = serial. */
  certificate?: PrinterCertificate;
  index?: number;
  /** Real photos the camera streams instead of drawings (loaded by the farm, see `webcamPhotos`). */
  photos?: WebcamPhotos | null;
}

export interface BambuSimStats {
  /** CONNECT packets accepted, over the printer's lifetime. */
  mqttConnections: number;
  mqttRefused: number;
  /** Publishes a client tried on the report topic (FDM Monster's mistake); refused. */
  publishesToReport: number;
  requests: Array<Record<string, unknown>>;
  cameraSessions: number;
  /** FTPS logins that reached the password check. */
  ftpLogins: number;
}

/**
 * One simulated Bambu printer in LAN Only mode: an MQTT broker over TLS (aedes), implicit FTPS (ftp-srv) and the
 * port-6000 JPEG camera, all with a certificate whose CN is the serial, over the shared virtual printer.
 */
export class BambuSimPrinter {
  readonly printer: VirtualPrinter;
  readonly stats: BambuSimStats = {
    mqttConnections: 0,
    mqttRefused: 0,
    publishesToReport: 0,
    requests: [],
    cameraSessions: 0,
    ftpLogins: 0,
  };
  developerMode: boolean;
  /** Test control: the printer's host is gone (every port drops new and open connections). */
  private offline = false;
  private readonly sockets = new Set<Socket>();
  private certificate: PrinterCertificate | null;
  private broker: Aedes | null = null;
  private mqttServer: tls.Server | null = null;
  private cameraServer: tls.Server | null = null;
  private ftpServer: FtpSrv | null = null;
  private readonly storage = mkdtempSync(join(tmpdir(), 'farmhand-bambu-sd-'));
  private readonly renderer = new WebcamRenderer();
  private readonly context: ReportContext;
  private sent: Record<string, unknown> = {};
  private clock: NodeJS.Timeout | null = null;
  private readonly cameraSockets = new Set<tls.TLSSocket>();
  private readonly boundPorts = { mqtt: 0, ftps: 0, camera: 0 };

  constructor(readonly options: BambuSimOptions) {
    this.printer = new VirtualPrinter(options.index ?? 0, { timeScale: options.timeScale ?? 20 });

    this.developerMode = options.developerMode ?? true;
    this.certificate = options.certificate ?? null;
    this.context = {
      printer: this.printer,
      outcome: 'none',
      projectName: null,
      amsTrays: [
        { type: 'PLA', color: 'FFFFFFFF' },
        { type: 'PLA', color: '000000FF' },
        { type: 'PETG', color: 'FF0000FF' },
        { type: 'PLA', color: '00AE42FF' },
      ],
    };
    this.printer.on('event', (event: OctoPrintEvent) => this.onPrinterEvent(event));
  }

  get serial(): string {
    return this.options.serial;
  }

  get model(): string {
    return this.options.model ?? 'P1S';
  }

  private get partialReports(): boolean {
    return this.model.startsWith('A1') || this.model.startsWith('P1');
  }

  private get topics() {
    return { report: `device/${this.serial}/report`, request: `device/${this.serial}/request` };
  }

  ports(): { mqtt: number; ftps: number; camera: number } {
    return { ...this.boundPorts };
  }

  /** Files on the printer's storage (uploaded over FTPS). */
  storedFile(name: string): Buffer | null {
    try {
      return readFileSync(join(this.storage, basename(name)));
    } catch {
      return null;
    }
  }

  /** The certificate presented now (PEM). */
  certificatePem(): string | null {
    return this.certificate?.cert ?? null;
  }

  connectedClients(): number {
    return this.broker?.connectedClients ?? 0;
  }

  async start(): Promise<void> {
    this.certificate ??= await printerCertificate(this.serial);
    const host = this.options.host ?? '127.0.0.1';
    await this.startBroker(host);
    await this.startFtps(host);
    await this.startCamera(host);
    this.clock = setInterval(() => this.tick(), this.options.reportIntervalMs ?? 500);
  }

  async stop(): Promise<void> {
    if (this.clock) clearInterval(this.clock);
    this.clock = null;
    for (const socket of this.cameraSockets) socket.destroy();
    await Promise.all([
      new Promise<void>((resolve) => (this.broker ? this.broker.close(() => resolve()) : resolve())),
      closeServer(this.mqttServer),
      closeServer(this.cameraServer),
      this.ftpServer?.close().catch(() => undefined),
    ]);
    this.broker = null;
    rmSync(this.storage, { recursive: true, force: true });
  }

  /** Presents another certificate from now on (a swapped printer, or a man in the middle). */
  replaceCertificate(certificate: PrinterCertificate): void {
    this.certificate = certificate;
    const context = { cert: certificate.cert, key: certificate.key };
    this.mqttServer?.setSecureContext(context);
    this.cameraServer?.setSecureContext(context);
    (this.ftpServer as unknown as { server?: tls.Server } | null)?.server?.setSecureContext(context);
  }

  /** Test control: someone starts a project from the printer's screen (it must be on its storage). */
  printFromScreen(fileName: string, plate = 1): void {
    this.startProject({ file: fileName, param: `Metadata/plate_${plate}.gcode` });
  }

  /** Test control: puts a file on the printer's storage as the slicer or an SD card would. */
  putFile(fileName: string, data: Buffer): void {
    writeFileSync(join(this.storage, basename(fileName)), data);
  }

  setOffline(): void {
    this.offline = true;
    for (const socket of this.sockets) socket.destroy();
  }

  setOnline(): void {
    this.offline = false;
  }

  /** Every TCP connection on every port, so that `setOffline` can drop them. */
  private track(server: tls.Server): void {
    server.on('connection', (socket: Socket) => {
      if (this.offline) return socket.destroy();
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Drops every MQTT client (e.g. the printer rebooting its broker). */
  disconnectClients(): void {
    const clients = (this.broker as unknown as { clients?: Record<string, Client> } | null)?.clients ?? {};
    for (const client of Object.values(clients)) client.close();
  }

  private async startBroker(host: string): Promise<void> {
    const broker = await Aedes.createBroker({
      authenticate: (client, username, password, done) => {
        const max = this.options.maxClients ?? (this.partialReports ? 4 : 8);
        if ((this.broker?.connectedClients ?? 0) >= max) {
          this.stats.mqttRefused++;
          return done(Object.assign(new Error('too many clients'), { returnCode: 3 as const }), false);
        }
        if (username !== 'bblp' || !password || !sameSecret(password, this.options.accessCode)) {
          this.stats.mqttRefused++;
          return done(Object.assign(new Error('not authorized'), { returnCode: 5 as const }), false);
        }
        this.stats.mqttConnections++;
        done(null, true);
      },
      authorizePublish: (client, packet, done) => {
        if (!client) return done(null);
        if (packet.topic === this.topics.report) this.stats.publishesToReport++;
        if (packet.topic !== this.topics.request) return done(new Error('clients publish to the request topic only'));
        done(null);
      },
      authorizeSubscribe: (_client, subscription, done) => {
        const allowed = subscription.topic === this.topics.report || subscription.topic === `device/${this.serial}/#`;
        done(null, allowed ? subscription : null);
      },
    });
    broker.on('publish', (packet, client) => {
      if (client && packet.topic === this.topics.request) this.onRequest(packet.payload);
    });
    this.broker = broker;
    this.mqttServer = tls.createServer({ cert: this.certificate!.cert, key: this.certificate!.key }, (socket) =>
      broker.handle(socket),
    );
    this.track(this.mqttServer);
    this.boundPorts.mqtt = await listen(this.mqttServer, this.options.ports?.mqtt ?? 0, host);
  }

  private async startFtps(host: string): Promise<void> {
    const port = this.options.ports?.ftps ?? 0;
    const server = new FtpSrv({
      url: `ftps://${host}:${port}`,
      pasv_url: host,
      pasv_min: 20_000,
      pasv_max: 60_000,
      tls: { cert: this.certificate!.cert, key: this.certificate!.key },
      anonymous: false,
      greeting: 'Bambu simulated printer',
      log: pino({ level: 'silent' }),
    });
    server.on('login', ({ username, password }, resolve, reject) => {
      this.stats.ftpLogins++;
      if (username === 'bblp' && sameSecret(Buffer.from(password), this.options.accessCode)) {
        resolve({ root: this.storage });
      } else {
        reject(new Error('Login incorrect'));
      }
    });
    await server.listen();
    this.ftpServer = server;
    const inner = (server as unknown as { server: tls.Server }).server;
    this.track(inner);
    this.boundPorts.ftps = (inner.address() as AddressInfo).port;
  }

  private async startCamera(host: string): Promise<void> {
    this.cameraServer = tls.createServer({ cert: this.certificate!.cert, key: this.certificate!.key }, (socket) =>
      this.onCameraClient(socket),
    );
    this.track(this.cameraServer);
    this.boundPorts.camera = await listen(this.cameraServer, this.options.ports?.camera ?? 0, host);
  }

  private onCameraClient(socket: tls.TLSSocket): void {
    this.cameraSockets.add(socket);
    socket.on('close', () => this.cameraSockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(10_000, () => socket.destroy());
    let received = Buffer.alloc(0);
    let streaming: NodeJS.Timeout | null = null;
    socket.on('close', () => streaming && clearInterval(streaming));
    socket.on('data', (chunk: Buffer) => {
      if (streaming) return;
      received = Buffer.concat([received, chunk]);
      if (received.length < AUTH_PACKET_SIZE) return;
      const auth = parseCameraAuthPacket(received.subarray(0, AUTH_PACKET_SIZE));
      if (!auth || auth.username !== 'bblp' || !sameSecret(Buffer.from(auth.accessCode), this.options.accessCode)) {
        socket.destroy();
        return;
      }
      this.stats.cameraSessions++;
      socket.setTimeout(0);
      const send = () => {
        this.renderFrame().then(
          (jpeg) => {
            if (!socket.destroyed) socket.write(Buffer.concat([frameHeader(jpeg.length), jpeg]));
          },
          () => socket.destroy(),
        );
      };
      send();
      streaming = setInterval(send, this.options.frameIntervalMs ?? 1_000);
    });
  }

  private renderFrame(): Promise<Buffer> {
    const { printer } = this;
    const photo = photoFor(this.options.photos ?? null, printer);
    if (photo) return Promise.resolve(photo);
    return this.renderer.render({
      seed: (this.options.index ?? 0) + 1,
      completion: printer.completion() ?? 0,
      layerCount: printer.selected?.analysis.layerCount ?? 40,
      spaghetti: printer.spaghetti,
      nozzleHot: printer.tool0.actual > 150,
    });
  }

  private tick(): void {
    if (this.offline) return;
    this.printer.tick();
    this.publishReport(false);
  }

  /** Full report on `pushall` and on X1/H2; on A1/P1 only the fields changed since the last report. */
  private publishReport(full: boolean): void {
    const next = fullReport(this.context);
    const fields = full || !this.partialReports ? next : changedFields(this.sent, next);
    this.sent = next;
    if (!full && Object.keys(fields).length === 0) return;
    this.publish({ print: { ...fields, command: 'push_status', sequence_id: String(Date.now() % 100_000) } });
  }

  private publish(message: Record<string, unknown>): void {
    this.broker?.publish(
      {
        cmd: 'publish',
        topic: this.topics.report,
        payload: Buffer.from(JSON.stringify(message)),
        qos: 0,
        retain: false,
        dup: false,
      } as PublishPacket,
      () => undefined,
    );
  }

  private onRequest(payload: Buffer | string): void {
    if (payload.length > MAX_REQUEST_BYTES) return;
    let message: unknown;
    try {
      message = JSON.parse(payload.toString());
    } catch {
      return;
    }
    if (!message || typeof message !== 'object' || Array.isArray(message)) return;
    this.stats.requests.push(message as Record<string, unknown>);
    if (this.stats.requests.length > 200) this.stats.requests.shift();
    for (const [type, value] of Object.entries(message)) {
      if (!value || typeof value !== 'object') continue;
      this.handle(type, value as Record<string, unknown>);
    }
  }

  private handle(type: string, request: Record<string, unknown>): void {
    const sequenceId = typeof request.sequence_id === 'string' ? request.sequence_id : '0';
    const command = typeof request.command === 'string' ? request.command : '';
    const answer = (result: 'success' | 'fail', reason = '', extra: Record<string, unknown> = {}) =>
      this.publish({ [type]: { ...request, ...extra, command, sequence_id: sequenceId, result, reason } });
    if (type === 'pushing' && command === 'pushall') return this.publishReport(true);
    if (type === 'info' && command === 'get_version') {
      return this.publish({
        info: {
          command,
          sequence_id: sequenceId,
          module: [{ name: 'ota', sw_ver: '01.08.02.00', hw_ver: '', sn: '' }],
        },
      });
    }
    if (type !== 'print') return answer('fail', 'unsupported');
    if (!this.developerMode) {
      return this.publish({
        print: { command, sequence_id: sequenceId, err_code: COMMAND_VERIFICATION_FAILED, result: 'fail' },
      });
    }
    try {
      switch (command) {
        case 'pause':
          if (this.printer.phase !== 'printing') return answer('fail', 'not printing');
          this.printer.pause('pause');
          break;
        case 'resume':
          if (this.printer.phase !== 'paused') return answer('fail', 'not paused');
          this.printer.pause('resume');
          break;
        case 'stop':
          if (!this.printer.hasActiveJob()) return answer('fail', 'no print');
          this.printer.cancel();
          break;
        case 'gcode_line':
          this.printer.sendGcode(
            String(request.param ?? '')
              .split('\n')
              .filter((line) => line.trim() !== ''),
          );
          break;
        case 'project_file':
          this.startProject(request);
          break;
        default:
          return answer('fail', `unknown command ${command}`);
      }
    } catch (error) {
      return answer('fail', (error as Error).message);
    }
    answer('success');
    this.publishReport(false);
  }

  private startProject(request: Record<string, unknown>): void {
    const url = typeof request.url === 'string' ? request.url : '';
    const name = typeof request.file === 'string' && request.file ? request.file : basename(url);
    const archive = this.storedFile(name);
    if (!archive) throw new Error(`file ${name} not found`);
    const plateEntry = typeof request.param === 'string' ? request.param : 'Metadata/plate_1.gcode';
    if (!/^Metadata\/plate_\d{1,2}\.gcode$/.test(plateEntry)) throw new Error('param must be Metadata/plate_<n>.gcode');
    const gcode = readArchiveEntry(archive, plateEntry);
    if (!gcode) throw new Error(`${plateEntry} not in ${name}`);
    if (request.use_ams === true && !Array.isArray(request.ams_mapping)) throw new Error('ams_mapping missing');
    const gcodeName = `${name.replace(/\.3mf$/i, '').replace(/[^A-Za-z0-9_-]/g, '_')}_${basename(plateEntry)}`;
    const stored = this.printer.addFile(gcodeName, gcode);
    this.context.projectName = name;
    this.printer.selectFile(stored.path, true);
  }

  private onPrinterEvent(event: OctoPrintEvent): void {
    const outcomes: Record<string, LastOutcome> = {
      PrintStarted: 'none',
      PrintDone: 'finished',
      PrintFailed: 'failed',
    };
    if (event.type in outcomes) this.context.outcome = outcomes[event.type];
  }
}

function sameSecret(given: Buffer, expected: string): boolean {
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

function listen(server: tls.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: tls.Server | null): Promise<void> {
  return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
}
