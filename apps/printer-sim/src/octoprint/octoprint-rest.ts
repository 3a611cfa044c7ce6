import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import {
  HttpError,
  readBody,
  readJsonCommand,
  readJsonObject,
  sendError,
  sendJson,
  sendNoContent,
} from '../core/http-helpers';
import type { RequestContext } from '../core/http-farm';
import { boundaryOf, parseMultipart } from '../core/multipart';
import {
  connectionModel,
  fileModel,
  fileRefs,
  jobModel,
  printerModel,
  settingsModel,
  versionModel,
} from './octoprint-models';
import { SimError } from '../core/virtual-printer';
import type { VirtualPrinter } from '../core/virtual-printer';

export const SIM_USER = 'farmhand';
const MAX_SESSIONS = 1_000;
const TRUE_VALUES = ['true', 'yes', 'y', '1', 'on'];

/** Everything one simulated OctoPrint instance needs to answer requests. */
export interface PrinterSite {
  printer: VirtualPrinter;
  apiKey: string;
  /** Valid `name:session` pairs from passive logins, checked by the push socket. */
  sessions: Set<string>;
  maxUploadBytes: number;
  renderSnapshot(printer: VirtualPrinter): Promise<Buffer>;
}

export type { RequestContext };

export async function handleOctoPrintRequest(
  site: PrinterSite,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
): Promise<void> {
  try {
    if (ctx.path === '/webcam/' || ctx.path === '/webcam') {
      if (ctx.query.get('action') !== 'snapshot') return sendError(res, 404, 'Only ?action=snapshot is simulated');
      const jpeg = await site.renderSnapshot(site.printer);
      res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': jpeg.length, 'Cache-Control': 'no-store' });
      return void res.end(jpeg);
    }
    if (!ctx.path.startsWith('/api/')) return sendError(res, 404, 'Not found');
    if (!hasValidKey(site.apiKey, req, ctx.query)) {
      // OctoPrint 1.10+ answers a wrong or missing key with 403.
      return sendError(res, 403, "You don't have the permission to access the requested resource.");
    }
    await route(site, req, res, ctx);
  } catch (error) {
    if (error instanceof SimError || error instanceof HttpError) return sendError(res, error.status, error.message);
    sendError(res, 500, 'Internal simulator error');
  }
}

function hasValidKey(expected: string, req: IncomingMessage, query: URLSearchParams): boolean {
  const header = req.headers['x-api-key'];
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const given = (Array.isArray(header) ? header[0] : header) ?? bearer ?? query.get('apikey');
  if (given === undefined || given === null) return false;
  const digest = (value: string) => createHash('sha256').update(value, 'latin1').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

async function route(site: PrinterSite, req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void> {
  const { printer } = site;
  const method = req.method ?? 'GET';
  const key = `${method} ${ctx.path.replace(/\/+$/, '')}`;
  switch (key) {
    case 'GET /api/version':
      return sendJson(res, 200, versionModel());
    case 'GET /api/server':
      return sendJson(res, 200, { version: versionModel().server, safemode: null });
    case 'GET /api/settings': {
      const webcam = `${ctx.baseUrl}/webcam/?action=`;
      return sendJson(res, 200, settingsModel(printer, `${webcam}snapshot`, `${webcam}stream`));
    }
    case 'POST /api/login':
      return login(site, req, res);
    case 'GET /api/currentuser':
      return sendJson(res, 200, { name: SIM_USER, permissions: [], groups: ['admins', 'users'] });
    case 'GET /api/connection':
      return sendJson(res, 200, connectionModel(printer));
    case 'POST /api/connection': {
      const { command } = await readJsonCommand(req, ['connect', 'disconnect', 'fake_ack']);
      if (command === 'connect') printer.connect();
      if (command === 'disconnect') printer.disconnect();
      return sendNoContent(res);
    }
    case 'GET /api/printer':
      if (!printer.isOperational()) return sendError(res, 409, 'Printer is not operational');
      return sendJson(res, 200, printerModel(printer));
    case 'POST /api/printer/printhead':
      return printhead(printer, req, res);
    case 'POST /api/printer/tool': {
      const { command, data } = await readJsonCommand(req, ['target', 'offset', 'select', 'extrude', 'flowrate']);
      requireOperational(printer);
      if (command === 'target') {
        const targets = data.targets;
        if (!targets || typeof targets !== 'object') throw new HttpError(400, 'targets is missing');
        for (const [tool, value] of Object.entries(targets)) {
          if (tool !== 'tool0') throw new HttpError(400, `Invalid tool: ${tool}`);
          printer.setTarget('tool0', requireTemperature(value));
        }
      }
      return sendNoContent(res);
    }
    case 'POST /api/printer/bed': {
      const { command, data } = await readJsonCommand(req, ['target', 'offset']);
      requireOperational(printer);
      if (command === 'target') printer.setTarget('bed', requireTemperature(data.target));
      return sendNoContent(res);
    }
    case 'POST /api/printer/command': {
      const data = await readJsonObject(req);
      const lines = typeof data.command === 'string' ? [data.command] : data.commands;
      if (!Array.isArray(lines) || !lines.every((line) => typeof line === 'string')) {
        throw new HttpError(400, 'Expected command or commands');
      }
      printer.sendGcode(lines);
      return sendNoContent(res);
    }
    case 'GET /api/job':
      return sendJson(res, 200, jobModel(printer));
    case 'POST /api/job':
      return job(printer, req, res);
    case 'GET /api/files':
    case 'GET /api/files/local': {
      const files = [...printer.files.values()].map((file) => fileModel(file, ctx.baseUrl));
      return sendJson(res, 200, { files, free: 10 * 1024 ** 3, total: 16 * 1024 ** 3 });
    }
    case 'POST /api/files/local':
      return upload(site, req, res, ctx);
  }
  const filePath = /^\/api\/files\/local\/(.+)$/.exec(ctx.path)?.[1];
  if (filePath !== undefined) return fileResource(site, req, res, ctx, decodePath(filePath));
  return sendError(res, 404, 'Not found');
}

async function login(site: PrinterSite, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const data = await readJsonObject(req);
  if (data.passive !== true) throw new HttpError(400, 'Only passive login is simulated');
  const session = randomBytes(16).toString('hex');
  site.sessions.add(`${SIM_USER}:${session}`);
  if (site.sessions.size > MAX_SESSIONS) site.sessions.delete(site.sessions.values().next().value!);
  sendJson(res, 200, {
    name: SIM_USER,
    active: true,
    admin: true,
    user: true,
    apikey: null,
    settings: {},
    groups: ['admins', 'users'],
    needs: { group: ['admins', 'users'], role: ['status', 'print'] },
    permissions: [],
    session,
    _is_external_client: false,
    _login_mechanism: 'apikey',
  });
}

async function printhead(printer: VirtualPrinter, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { command, data } = await readJsonCommand(req, ['jog', 'home', 'feedrate']);
  if (command === 'jog') {
    const delta: { x?: number; y?: number; z?: number } = {};
    for (const axis of ['x', 'y', 'z'] as const) {
      if (data[axis] === undefined) continue;
      if (typeof data[axis] !== 'number' || !Number.isFinite(data[axis])) {
        throw new HttpError(400, `Not a number for axis ${axis}: ${String(data[axis])}`);
      }
      delta[axis] = data[axis];
    }
    printer.jog(delta, data.absolute === true);
  } else if (command === 'home') {
    const axes = data.axes;
    if (!Array.isArray(axes) || !axes.every((axis) => axis === 'x' || axis === 'y' || axis === 'z')) {
      throw new HttpError(400, 'Invalid axes');
    }
    printer.home(axes as Array<'x' | 'y' | 'z'>);
  } else if (!printer.isOperational()) {
    throw new SimError(409, 'Printer is not operational');
  }
  sendNoContent(res);
}

async function job(printer: VirtualPrinter, req: IncomingMessage, res: ServerResponse): Promise<void> {
  requireOperational(printer);
  const { command, data } = await readJsonCommand(req, ['start', 'restart', 'pause', 'cancel']);
  if (command === 'start') {
    printer.startPrint();
  } else if (command === 'restart') {
    printer.restartPrint();
  } else if (command === 'pause') {
    const action = data.action ?? 'toggle';
    if (action !== 'pause' && action !== 'resume' && action !== 'toggle') throw new HttpError(400, 'Unknown action');
    printer.pause(action);
  } else {
    printer.cancel();
  }
  sendNoContent(res);
}

async function upload(
  site: PrinterSite,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
): Promise<void> {
  const parts = parseMultipart(await readBody(req, site.maxUploadBytes), boundaryOf(req.headers['content-type']));
  const field = (name: string) => parts.find((part) => part.name === name && part.fileName === null)?.data.toString();
  const filePart = parts.find((part) => part.name === 'file' && part.fileName !== null);
  if (!filePart) throw new HttpError(400, 'No file included');
  const fileName = filePart.fileName!.split(/[\\/]/).pop() ?? '';
  if (!fileName || fileName.startsWith('.')) throw new HttpError(400, 'Invalid file name');
  const select = TRUE_VALUES.includes(field('select')?.toLowerCase() ?? '');
  const print = TRUE_VALUES.includes(field('print')?.toLowerCase() ?? '');
  const { printer } = site;
  if ((select || print) && (printer.hasActiveJob() || printer.phase === 'cancelling')) {
    throw new SimError(409, 'Printer is already printing, cannot select or print the uploaded file');
  }
  const file = printer.addFile(fileName, filePart.data, field('path') ?? '');
  if (select || print) printer.selectFile(file.path, print && printer.isOperational());
  const refs = fileRefs(file, ctx.baseUrl);
  sendJson(
    res,
    201,
    {
      done: true,
      files: { local: { name: file.name, path: file.path, display: file.name, origin: 'local', refs } },
      effectiveSelect: select || print,
      effectivePrint: print && printer.hasActiveJob(),
    },
    { Location: refs.resource },
  );
}

async function fileResource(
  site: PrinterSite,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  path: string,
): Promise<void> {
  const { printer } = site;
  if (req.method === 'GET') {
    const file = printer.files.get(path);
    if (!file) return sendError(res, 404, `File not found on 'local': ${path}`);
    return sendJson(res, 200, fileModel(file, ctx.baseUrl));
  }
  if (req.method === 'DELETE') {
    printer.removeFile(path);
    return sendNoContent(res);
  }
  if (req.method === 'POST') {
    const { command, data } = await readJsonCommand(req, ['select', 'unselect', 'slice', 'analyse', 'copy', 'move']);
    if (command !== 'select') throw new HttpError(400, `Command ${command} is not simulated`);
    printer.selectFile(path, data.print === true);
    return sendNoContent(res);
  }
  sendError(res, 405, 'Method not allowed');
}

function requireOperational(printer: VirtualPrinter): void {
  if (!printer.isOperational()) throw new SimError(409, 'Printer is not operational');
}

function requireTemperature(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new HttpError(400, `Not a number: ${String(value)}`);
  }
  return value;
}

function decodePath(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new HttpError(400, 'Malformed path');
  }
}
