import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Spoolman built from its published API (Donkie/Spoolman, spoolman/api/v1/spool.py and models.py):
 * `GET /api/v1/spool` (a JSON list of Spool, archived ones only with `allow_archived=true`, null fields left out),
 * `GET /api/v1/spool/{spool_id}`, and `PUT /api/v1/spool/{spool_id}/use` with exactly one of `use_weight` (g) or
 * `use_length` (mm): both or neither answer 400 `{"message": ...}`, an unknown spool 404 `{"message": ...}`, a
 * non-integer id or a non-number body field 422 `{"detail": [...]}` as FastAPI does. `use_weight` adds to
 * `used_weight` and takes from `remaining_weight` (never under 0), like spoolman/database/spool.py.
 *
 * Spoolman itself has no authentication; deployments put it behind a proxy. `requireApiKey` / `requireBasic`
 * play that proxy (401 otherwise). `failNext` answers the next requests with a status (a Spoolman that is down or
 * restarting); `dropAfterUse` applies the next use and then cuts the connection without an answer.
 */
export interface StandInFilament {
  id: number;
  name?: string;
  material?: string;
  color_hex?: string;
  diameter: number;
  density: number;
  weight?: number;
  price?: number;
  vendor?: { id: number; name: string };
}

export interface StandInSpool {
  id: number;
  filament: StandInFilament;
  initial_weight?: number;
  used_weight: number;
  price?: number;
  location?: string;
  lot_nr?: string;
  archived?: boolean;
}

export interface StandInRequest {
  method: string;
  path: string;
  body: string;
  headers: IncomingMessage['headers'];
}

export class SpoolmanStandIn {
  readonly spools = new Map<number, StandInSpool>();
  readonly requests: StandInRequest[] = [];
  requireApiKey: string | null = null;
  requireBasic: { username: string; password: string } | null = null;
  failNext: number[] = [];
  dropAfterUse = false;
  url = '';
  private server?: Server;
  private nextId = 1;

  add(spool: Omit<StandInSpool, 'id'> & { id?: number }): StandInSpool {
    const id = spool.id ?? this.nextId++;
    const stored = { ...spool, id };
    this.spools.set(id, stored);
    return stored;
  }

  /** `used_weight` as Spoolman reports it. */
  used(id: number): number {
    return this.spools.get(id)!.used_weight;
  }

  uses(): StandInRequest[] {
    return this.requests.filter((request) => request.method === 'PUT' && request.path.endsWith('/use'));
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => this.handle(request, response, Buffer.concat(chunks).toString('utf8')));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private handle(request: IncomingMessage, response: ServerResponse, body: string): void {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    this.requests.push({ method: request.method ?? '', path: url.pathname, body, headers: request.headers });
    const send = (status: number, value: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    };
    const failure = this.failNext.shift();
    if (failure) return send(failure, { message: 'stand-in failure' });
    if (!this.authorized(request)) return send(401, { message: 'Unauthorized' });

    const list = url.pathname === '/api/v1/spool';
    const one = /^\/api\/v1\/spool\/([^/]+)$/.exec(url.pathname);
    const use = /^\/api\/v1\/spool\/([^/]+)\/use$/.exec(url.pathname);
    if (list && request.method === 'GET') {
      const archived = url.searchParams.get('allow_archived') === 'true';
      const spools = [...this.spools.values()].filter((spool) => archived || !spool.archived);
      response.setHeader('x-total-count', String(spools.length));
      return send(
        200,
        spools.map((spool) => this.view(spool)),
      );
    }
    const idText = (one ?? use)?.[1];
    if (idText === undefined) return send(404, { detail: 'Not Found' });
    if (!/^-?\d+$/.test(idText))
      return send(422, {
        detail: [{ loc: ['path', 'spool_id'], msg: 'value is not a valid integer', type: 'type_error.integer' }],
      });
    const spool = this.spools.get(Number(idText));
    if (one && request.method === 'GET') {
      if (!spool) return send(404, { message: `No spool with ID ${idText} found.` });
      return send(200, this.view(spool));
    }
    if (use && request.method === 'PUT') {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return send(422, { detail: [{ loc: ['body'], msg: 'invalid JSON', type: 'value_error.jsondecode' }] });
      }
      for (const field of ['use_weight', 'use_length'])
        if (parsed[field] != null && typeof parsed[field] !== 'number')
          return send(422, {
            detail: [{ loc: ['body', field], msg: 'value is not a valid float', type: 'type_error.float' }],
          });
      const weight = parsed.use_weight as number | undefined | null;
      const length = parsed.use_length as number | undefined | null;
      if (weight != null && length != null)
        return send(400, { message: 'Only specify either use_weight or use_length.' });
      if (weight == null && length == null)
        return send(400, { message: 'Either use_weight or use_length must be specified.' });
      if (!spool) return send(404, { message: `No spool with ID ${idText} found.` });
      const grams = weight ?? this.gramsOfLength(spool, length!);
      spool.used_weight = Math.max(0, spool.used_weight + grams);
      if (this.dropAfterUse) {
        this.dropAfterUse = false;
        request.socket.destroy();
        return;
      }
      return send(200, this.view(spool));
    }
    return send(405, { detail: 'Method Not Allowed' });
  }

  private authorized(request: IncomingMessage): boolean {
    if (this.requireApiKey && request.headers['x-api-key'] !== this.requireApiKey) return false;
    if (this.requireBasic) {
      const expected = `Basic ${Buffer.from(`${this.requireBasic.username}:${this.requireBasic.password}`).toString('base64')}`;
      if (request.headers.authorization !== expected) return false;
    }
    return true;
  }

  /** spoolman/math.py: weight of a length of filament from its diameter and density. */
  private gramsOfLength(spool: StandInSpool, millimetres: number): number {
    const radiusCm = spool.filament.diameter / 20;
    return Math.PI * radiusCm * radiusCm * (millimetres / 10) * spool.filament.density;
  }

  /** The Spool model as Spoolman serializes it (null fields left out). */
  private view(spool: StandInSpool) {
    const initial = spool.initial_weight ?? spool.filament.weight;
    return {
      id: spool.id,
      registered: '2026-01-05T10:00:00Z',
      filament: {
        registered: '2026-01-05T10:00:00Z',
        extra: {},
        ...spool.filament,
        vendor: spool.filament.vendor
          ? { registered: '2026-01-05T10:00:00Z', extra: {}, ...spool.filament.vendor }
          : undefined,
      },
      ...(spool.price !== undefined ? { price: spool.price } : {}),
      ...(initial !== undefined
        ? { initial_weight: initial, remaining_weight: Math.max(0, initial - spool.used_weight) }
        : {}),
      used_weight: spool.used_weight,
      used_length: 0,
      ...(spool.location !== undefined ? { location: spool.location } : {}),
      ...(spool.lot_nr !== undefined ? { lot_nr: spool.lot_nr } : {}),
      archived: spool.archived ?? false,
      extra: {},
    };
  }
}
