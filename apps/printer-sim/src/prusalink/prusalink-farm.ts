import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { HttpFarm } from '../core/http-farm';
import type { RequestContext } from '../core/http-farm';
import { HttpError, readBody, sendJson, sendNoContent } from '../core/http-helpers';
import type { SimFarmOptions } from '../core/sim-kind';
import { SimError } from '../core/virtual-printer';
import type { OctoPrintEvent, VirtualPrinter } from '../core/virtual-printer';
import { DigestVerifier } from './digest-verifier';
import type { VerifierAlgorithm } from './digest-verifier';

export const DEFAULT_PRUSALINK_SECRET = 'farmhandsimprusa';
export const PRUSALINK_USER = 'maker';
export const PRUSALINK_REALM = 'Printer API';
export const PRUSALINK_SERVER_VERSION = '2.1.2';
export const PRUSALINK_STORAGE = 'usb';

/** Prusa-specific options beyond the shared ones. */
export interface PrusaLinkFarmExtras {
  /** Digest as PrusaLink on a Raspberry Pi (`qop=auth`, MD5) by default; `qop: null` answers like Buddy firmware. */
  digestAlgorithm?: VerifierAlgorithm;
  digestQop?: 'auth' | null;
  /** Report `progress` as a fraction (0–1), the "×0.01" quirk of some models. */
  fractionProgress?: boolean;
  /** Serve a camera snapshot (default true); without, `/api/v1/cameras/snap` answers 204. */
  camera?: boolean;
}

type Outcome = 'none' | 'FINISHED' | 'STOPPED' | 'ERROR';

interface Site {
  printer: VirtualPrinter;
  verifier: DigestVerifier;
  jobId: number | null;
  outcome: Outcome;
}

/**
 * A virtual Prusa Link farm, per Prusa Link's OpenAPI (`spec/openapi.yaml`, API 2.0): `GET /api/version`,
 * `GET /api/v1/info|status|storage|job`, `PUT /api/v1/job/{id}/pause|resume`, `DELETE /api/v1/job/{id}`,
 * `PUT /api/v1/files/{storage}/{path}` (`Print-After-Upload`, `Overwrite`: `?1`/`?0`), `POST` to print a stored file,
 * `GET /api/v1/cameras/snap`. Auth: `X-Api-Key`, or HTTP Digest as user `maker`; both take the farm's LAN secret.
 */
export class PrusaLinkFarm extends HttpFarm {
  readonly kind = 'prusalink' as const;
  private readonly sites: Site[] = [];
  private nextJobId = 100;
  /** Every authenticated request (method, path), for conformance tests. */
  readonly requests: Array<{ index: number; method: string; path: string; headers: IncomingMessage['headers'] }> = [];

  constructor(
    options: SimFarmOptions,
    private readonly extras: PrusaLinkFarmExtras = {},
  ) {
    super(options, DEFAULT_PRUSALINK_SECRET, { fileTypes: /\.(gcode|gco|g|bgcode)$/i });
    for (const printer of this.printers) {
      const site: Site = {
        printer,
        verifier: new DigestVerifier({
          realm: PRUSALINK_REALM,
          username: PRUSALINK_USER,
          password: this.options.apiKey,
          algorithm: extras.digestAlgorithm ?? 'MD5',
          qop: extras.digestQop === undefined ? 'auth' : extras.digestQop,
        }),
        jobId: null,
        outcome: 'none',
      };
      printer.on('event', (event: OctoPrintEvent) => this.onPrinterEvent(site, event));
      this.sites.push(site);
    }
    this.useFront({ handle: (index, req, res, ctx) => this.handleSite(this.sites[index], req, res, ctx) });
  }

  /** Prusa Link's state word for printer `index` (for tests). */
  state(index: number): string {
    return prusaState(this.sites[index]);
  }

  private onPrinterEvent(site: Site, event: OctoPrintEvent): void {
    if (event.type === 'PrintStarted') {
      site.jobId = this.nextJobId++;
      site.outcome = 'none';
    } else if (event.type === 'PrintDone') site.outcome = 'FINISHED';
    else if (event.type === 'PrintCancelled') site.outcome = 'STOPPED';
    else if (event.type === 'PrintFailed' && event.payload?.reason === 'error') site.outcome = 'ERROR';
  }

  private authorize(site: Site, req: IncomingMessage, res: ServerResponse): boolean {
    const key = req.headers['x-api-key'];
    let stale = false;
    if (typeof key === 'string') {
      const expected = createHash('sha256').update(this.options.apiKey).digest();
      if (timingSafeEqual(createHash('sha256').update(key).digest(), expected)) return true;
    } else {
      const verdict = site.verifier.verify(req.headers.authorization, req.method ?? 'GET', req.url ?? '/');
      if (verdict === 'ok') return true;
      stale = verdict === 'stale';
    }
    // Every 401 carries a fresh challenge, as Prusa Link's; a client with a key sees it and may ignore it.
    res.setHeader('WWW-Authenticate', site.verifier.challenge(stale));
    // Prusa Link drains nothing on a refusal: the connection closes after the answer.
    res.setHeader('Connection', 'close');
    sendJson(res, 401, { title: 'Unauthorized', message: 'Invalid API key or password' });
    return false;
  }

  private async handleSite(site: Site, req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void> {
    const method = req.method ?? 'GET';
    if (!this.authorize(site, req, res)) return;
    this.requests.push({ index: site.printer.index, method, path: ctx.path, headers: req.headers });
    if (this.requests.length > 1_000) this.requests.shift();
    const fail = (status: number, title: string, message: string) => sendJson(res, status, { title, message });
    const printer = site.printer;
    try {
      if (method === 'GET' && ctx.path === '/api/version') return sendJson(res, 200, this.version(site));
      if (method === 'GET' && ctx.path === '/api/v1/info') return sendJson(res, 200, this.info(site));
      if (method === 'GET' && ctx.path === '/api/v1/status') return sendJson(res, 200, this.status(site));
      if (method === 'GET' && ctx.path === '/api/v1/storage') {
        return sendJson(res, 200, {
          storage_list: [
            {
              type: 'USB',
              path: `/${PRUSALINK_STORAGE}`,
              name: PRUSALINK_STORAGE,
              read_only: false,
              available: true,
              free_space: 30_000_000_000,
              total_space: 32_000_000_000,
            },
          ],
        });
      }
      if (method === 'GET' && ctx.path === '/api/v1/job') {
        const job = this.job(site);
        return job ? sendJson(res, 200, job) : sendNoContent(res);
      }
      const jobMatch = /^\/api\/v1\/job\/(\d+)(?:\/(pause|resume|continue))?$/.exec(ctx.path);
      if (jobMatch) {
        const id = Number(jobMatch[1]);
        if (site.jobId !== id || !printer.hasActiveJob()) return fail(404, 'Not Found', `No job ${id}`);
        const action = jobMatch[2];
        if (method === 'DELETE' && !action) printer.cancel();
        else if (method === 'PUT' && action === 'pause') {
          if (printer.phase !== 'printing') return fail(409, 'Conflict', 'Job is not printing');
          printer.pause('pause');
        } else if (method === 'PUT' && action === 'resume') {
          if (printer.phase !== 'paused') return fail(409, 'Conflict', 'Job is not paused');
          printer.pause('resume');
        } else return fail(405, 'Method Not Allowed', 'Method not allowed');
        return sendNoContent(res);
      }
      if (method === 'GET' && ctx.path === '/api/v1/cameras/snap') {
        if (this.extras.camera === false) return sendNoContent(res);
        const jpeg = await this.snapshot(printer);
        res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': jpeg.length });
        return void res.end(jpeg);
      }
      const fileMatch = /^\/api\/v1\/files\/([^/]+)\/(.+)$/.exec(ctx.path);
      if (fileMatch) return await this.file(site, req, res, decodeURIComponent(fileMatch[1]), fileMatch[2]);
      return fail(404, 'Not Found', 'Not found');
    } catch (caught) {
      if (caught instanceof SimError) return fail(caught.status, 'Conflict', caught.message);
      if (caught instanceof HttpError) return fail(caught.status, 'Bad Request', caught.message);
      throw caught;
    }
  }

  private async file(site: Site, req: IncomingMessage, res: ServerResponse, storage: string, raw: string) {
    const fail = (status: number, title: string, message: string) => sendJson(res, status, { title, message });
    if (storage !== PRUSALINK_STORAGE) return fail(404, 'Not Found', `Storage ${storage} not found`);
    let path: string;
    try {
      path = raw
        .split('/')
        .map((part) => decodeURIComponent(part))
        .join('/');
    } catch {
      return fail(400, 'Bad Request', 'Bad path');
    }
    if (path.split('/').some((part) => part === '..' || part === '')) return fail(400, 'Bad Request', 'Bad path');
    const printer = site.printer;
    const method = req.method ?? 'GET';
    if (method === 'PUT') {
      const printAfter = structuredBoolean(req.headers['print-after-upload']);
      const overwrite = structuredBoolean(req.headers.overwrite);
      if (printAfter === null || overwrite === null) {
        return fail(400, 'Bad Request', 'Print-After-Upload and Overwrite take ?1 or ?0');
      }
      if (req.headers['content-length'] === undefined) return fail(411, 'Length Required', 'Content-Length needed');
      if (!/\.(gcode|gco|g|bgcode)$/i.test(path)) return fail(415, 'Unsupported Media Type', 'Not a print file');
      if (printer.files.has(path) && !overwrite) return fail(409, 'Conflict', 'File already exists');
      if (printAfter && (printer.hasActiveJob() || !printer.isOperational())) {
        return fail(409, 'Conflict', 'Printer is busy');
      }
      const body = await readBody(req, this.options.maxUploadBytes);
      const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
      const name = path.slice(path.lastIndexOf('/') + 1);
      const stored = printer.addFile(name, body, folder);
      if (printAfter) printer.selectFile(stored.path, true);
      res.writeHead(201, { Location: `/api/v1/files/${PRUSALINK_STORAGE}/${raw}`, 'Content-Length': 0 });
      return void res.end();
    }
    if (method === 'POST') {
      if (!printer.files.has(path)) return fail(404, 'Not Found', 'File not found');
      if (printer.hasActiveJob() || !printer.isOperational()) return fail(409, 'Conflict', 'Printer is busy');
      printer.selectFile(path, true);
      return sendNoContent(res);
    }
    if (method === 'GET' || method === 'HEAD') {
      const file = printer.files.get(path);
      if (!file) return fail(404, 'Not Found', 'File not found');
      return sendJson(res, 200, { name: file.name, display_name: file.name, size: file.size, m_timestamp: file.date });
    }
    if (method === 'DELETE') {
      printer.removeFile(path);
      return sendNoContent(res);
    }
    return fail(405, 'Method Not Allowed', 'Method not allowed');
  }

  private version(site: Site): Record<string, unknown> {
    return {
      api: '2.0.0',
      server: PRUSALINK_SERVER_VERSION,
      nozzle_diameter: 0.4,
      text: 'PrusaLink',
      hostname: `sim-prusa-${site.printer.index}`,
      capabilities: { 'upload-by-put': true },
    };
  }

  private info(site: Site): Record<string, unknown> {
    return {
      name: `Simulated MK4 ${site.printer.index}`,
      location: 'Farm',
      farm_mode: false,
      nozzle_diameter: 0.4,
      min_extrusion_temp: 170,
      serial: `SIM4-${String(site.printer.index).padStart(6, '0')}`,
      sd_ready: false,
      active_camera: this.extras.camera !== false,
      hostname: `sim-prusa-${site.printer.index}`,
      port: 80,
      network_error_chime: false,
      mmu: false,
    };
  }

  private status(site: Site): Record<string, unknown> {
    const printer = site.printer;
    const state = prusaState(site);
    const round = (value: number) => Math.round(value * 10) / 10;
    const body: Record<string, unknown> = {
      storage: { path: `/${PRUSALINK_STORAGE}/`, name: PRUSALINK_STORAGE, read_only: false },
      printer: {
        state,
        temp_nozzle: round(printer.tool0.actual),
        target_nozzle: round(printer.tool0.target),
        temp_bed: round(printer.bed.actual),
        target_bed: round(printer.bed.target),
        axis_x: printer.position.x,
        axis_y: printer.position.y,
        axis_z: printer.currentZ() ?? 0,
        flow: 100,
        speed: 100,
        fan_hotend: state === 'PRINTING' ? 5000 : 0,
        fan_print: state === 'PRINTING' ? 3000 : 0,
        ...(state === 'ERROR'
          ? { status_printer: { ok: false, message: printer.errorText || 'Printer not connected' } }
          : {}),
      },
    };
    const job = this.jobSummary(site);
    if (job) body.job = job;
    return body;
  }

  private jobSummary(site: Site): Record<string, unknown> | null {
    const printer = site.printer;
    if (site.jobId === null || !printer.selected) return null;
    const state = prusaState(site);
    if (!['PRINTING', 'PAUSED', 'FINISHED', 'STOPPED', 'BUSY'].includes(state)) return null;
    const completion = printer.completion() ?? 0;
    const total = printer.selected.analysis.estimatedPrintTime;
    const percent = Math.round(completion * 10_000) / 100;
    return {
      id: site.jobId,
      progress: this.extras.fractionProgress ? Math.round(completion * 10_000) / 10_000 : percent,
      time_remaining: Math.max(0, Math.round(total - printer.printTime)),
      time_printing: Math.round(printer.printTime),
    };
  }

  private job(site: Site): Record<string, unknown> | null {
    const summary = this.jobSummary(site);
    const file = site.printer.selected;
    if (!summary || !file) return null;
    const folder = file.path.includes('/') ? `/${file.path.slice(0, file.path.lastIndexOf('/'))}` : '';
    return {
      ...summary,
      state: prusaState(site),
      inaccurate_estimates: false,
      file: {
        // Buddy firmware keeps an 8.3 short name beside the long (display) name.
        name: shortName(file.name),
        display_name: file.name,
        path: `/${PRUSALINK_STORAGE}${folder}`,
        display_path: `/${PRUSALINK_STORAGE}${folder}`,
        size: file.size,
        m_timestamp: file.date,
        refs: { download: `/${PRUSALINK_STORAGE}/${encodeURI(file.path)}` },
      },
    };
  }
}

/** Prusa Link's printer state for the virtual printer's phase and the last job's end. */
export function prusaState(site: { printer: VirtualPrinter; outcome: Outcome }): string {
  switch (site.printer.phase) {
    case 'offline':
    case 'error':
      return 'ERROR';
    case 'connecting':
    case 'cancelling':
      return 'BUSY';
    case 'printing':
    case 'pausing':
      return 'PRINTING';
    case 'paused':
      return 'PAUSED';
    case 'operational':
      return site.outcome === 'FINISHED' || site.outcome === 'STOPPED' ? site.outcome : 'IDLE';
  }
}

/** RFC 8941 structured-field boolean: `?1` or `?0`; absent is false; anything else null (400). */
function structuredBoolean(value: string | string[] | undefined): boolean | null {
  if (value === undefined) return false;
  if (value === '?1') return true;
  if (value === '?0') return false;
  return null;
}

function shortName(name: string): string {
  const dot = name.lastIndexOf('.');
  const base = (dot > 0 ? name.slice(0, dot) : name).replace(/[^A-Za-z0-9]/g, '').toUpperCase();
  const ext = (dot > 0 ? name.slice(dot + 1) : '').toUpperCase().slice(0, 3);
  return `${base.length > 8 ? `${base.slice(0, 6)}~1` : base}.${ext}`;
}
