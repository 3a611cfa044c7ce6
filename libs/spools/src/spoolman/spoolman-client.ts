import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { addressAllowed } from '@farmhand/core';
import { z } from 'zod';

export const SPOOLMAN_TIMEOUT_MS = 10_000;
/** A list of 20,000 spools with their filament and vendor is about 30 MB in Spoolman's JSON; more is refused. */
export const SPOOLMAN_MAX_ANSWER_BYTES = 32 * 1024 * 1024;

/**
 * The fields Farmhand reads of Spoolman's `Spool` (spoolman/api/v1/models.py), everything else ignored. Spoolman
 * leaves out null fields (`response_model_exclude_none`), so every optional one may be absent.
 */
const text = (max: number) =>
  z
    .string()
    .nullish()
    .transform((value) => (value == null ? null : value.slice(0, max)));
const grams = z.number().finite().min(0).max(1e7).nullish();
export const SpoolmanSpoolSchema = z.object({
  id: z.number().int().positive().max(2_147_483_647),
  filament: z.object({
    id: z.number().int(),
    name: text(64),
    material: text(64),
    color_hex: z.string().nullish(),
    diameter: z.number().finite().positive().max(10).nullish(),
    weight: grams,
    price: z.number().finite().min(0).nullish(),
    vendor: z.object({ id: z.number().int(), name: text(80) }).nullish(),
  }),
  price: z.number().finite().min(0).nullish(),
  initial_weight: grams,
  remaining_weight: grams,
  used_weight: z.number().finite().min(0).max(1e7),
  location: text(80),
  lot_nr: text(80),
  archived: z.boolean().optional(),
});
export type SpoolmanSpool = z.infer<typeof SpoolmanSpoolSchema>;

export interface SpoolmanTarget {
  baseUrl: string;
  allowPrivateNetwork: boolean;
  authKind: 'none' | 'apiKey' | 'basic';
  username: string | null;
  secret: string | null;
}

/**
 * What went wrong talking to Spoolman. `permanent`: retrying the same request cannot help (the spool is gone in
 * Spoolman, the request was refused as invalid, the address is not allowed).
 */
export class SpoolmanError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

type Resolver = (hostname: string, callback: (error: Error | null, addresses: LookupAddress[]) => void) => void;
const systemResolver: Resolver = (hostname, callback) =>
  dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => callback(error, addresses ?? []));

/**
 * Spoolman's REST API, the two endpoints Farmhand uses: `GET /api/v1/spool` and `PUT /api/v1/spool/{id}/use`
 * (plus `GET /api/v1/spool/{id}` to check whether a use already landed). SSRF: every address a name resolves to is
 * checked at connect time and the socket goes to exactly that address; redirects are never followed; answers are
 * capped in size and time and validated before use.
 */
export class SpoolmanClient {
  constructor(private readonly options: { timeoutMs?: number; resolver?: Resolver } = {}) {}

  async listSpools(target: SpoolmanTarget): Promise<SpoolmanSpool[]> {
    const answer = await this.call(target, 'GET', '/api/v1/spool');
    const parsed = z.array(z.unknown()).safeParse(answer);
    if (!parsed.success)
      throw new SpoolmanError('Spoolman answered something that is not a list of spools', 200, false);
    // One odd spool (a filament without a material, a bad number) is skipped, not the whole inventory.
    return parsed.data.flatMap((item) => {
      const spool = SpoolmanSpoolSchema.safeParse(item);
      return spool.success ? [spool.data] : [];
    });
  }

  async getSpool(target: SpoolmanTarget, id: number): Promise<SpoolmanSpool> {
    return this.parseSpool(await this.call(target, 'GET', `/api/v1/spool/${id}`));
  }

  /** `PUT /api/v1/spool/{id}/use` with `use_weight` in grams; Spoolman answers the updated spool. */
  async useWeight(target: SpoolmanTarget, id: number, grams: number): Promise<SpoolmanSpool> {
    return this.parseSpool(await this.call(target, 'PUT', `/api/v1/spool/${id}/use`, { use_weight: grams }));
  }

  private parseSpool(answer: unknown): SpoolmanSpool {
    const spool = SpoolmanSpoolSchema.safeParse(answer);
    if (!spool.success) throw new SpoolmanError('Spoolman answered something that is not a spool', 200, false);
    return spool.data;
  }

  private call(target: SpoolmanTarget, method: 'GET' | 'PUT', path: string, body?: unknown): Promise<unknown> {
    const url = new URL(`${target.baseUrl}${path}`);
    const secure = url.protocol === 'https:';
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const policy = { allowPrivate: target.allowPrivateNetwork };
    if (isIP(host) && !addressAllowed(host, policy))
      return Promise.reject(new SpoolmanError(`address ${host} is not allowed`, null, true));
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'Farmhand-Spoolman' };
    if (payload) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    if (target.authKind === 'apiKey' && target.secret) headers['X-Api-Key'] = target.secret;
    if (target.authKind === 'basic' && target.secret)
      headers.Authorization = `Basic ${Buffer.from(`${target.username ?? ''}:${target.secret}`).toString('base64')}`;

    return new Promise<unknown>((resolve, reject) => {
      let settled = false;
      const finish = (error: SpoolmanError | null, value?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        if (error) reject(error);
        else resolve(value);
      };
      const request = (secure ? httpsRequest : httpRequest)(
        url,
        { method, headers, lookup: this.guardedLookup(policy), agent: false },
        (response) => {
          const status = response.statusCode ?? 0;
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > SPOOLMAN_MAX_ANSWER_BYTES) {
              finish(new SpoolmanError('Spoolman answered more than 32 MB', status, false));
              response.destroy();
              return;
            }
            chunks.push(chunk);
          });
          response.on('error', (error) => finish(new SpoolmanError(error.message, status, false)));
          response.on('end', () => {
            const raw = Buffer.concat(chunks).toString('utf8');
            if (status < 200 || status >= 300) return finish(answerError(status, raw));
            try {
              finish(null, JSON.parse(raw));
            } catch {
              finish(new SpoolmanError('Spoolman answered something that is not JSON', status, false));
            }
          });
        },
      );
      const timeoutMs = this.options.timeoutMs ?? SPOOLMAN_TIMEOUT_MS;
      const deadline = setTimeout(() => {
        finish(new SpoolmanError(`Spoolman did not answer within ${timeoutMs / 1000} s`, null, false));
        request.destroy();
      }, timeoutMs);
      request.on('error', (error) =>
        finish(
          new SpoolmanError(`Spoolman cannot be reached: ${error.message}`, null, error instanceof AddressRefused),
        ),
      );
      request.end(payload);
    });
  }

  private guardedLookup(policy: { allowPrivate: boolean }): LookupFunction {
    const resolver = this.options.resolver ?? systemResolver;
    return (hostname, options, callback) => {
      resolver(hostname, (error, found) => {
        if (error) return callback(error, '', 0);
        const wanted = options.family ? found.filter((entry) => entry.family === options.family) : found;
        const refused = wanted.find((entry) => !addressAllowed(entry.address, policy));
        if (refused) return callback(new AddressRefused(refused.address), '', 0);
        if (!wanted.length) return callback(new Error(`${hostname} has no address`), '', 0);
        if (options.all) return callback(null, wanted);
        return callback(null, wanted[0]!.address, wanted[0]!.family);
      });
    };
  }
}

class AddressRefused extends Error {
  constructor(address: string) {
    super(`address ${address} is not allowed`);
  }
}

/** Spoolman's errors are `{"message": "..."}` (400, 404) or FastAPI's `{"detail": ...}` (422). */
function answerError(status: number, raw: string): SpoolmanError {
  let message = '';
  try {
    const body = JSON.parse(raw) as { message?: unknown; detail?: unknown };
    message = typeof body.message === 'string' ? body.message : JSON.stringify(body.detail ?? '');
  } catch {
    message = '';
  }
  const said = message ? `: ${message.slice(0, 200)}` : '';
  const permanent = status === 400 || status === 404 || status === 422;
  const why = status === 401 || status === 403 ? ' (check the API key or password)' : '';
  return new SpoolmanError(`Spoolman answered ${status}${why}${said}`, status, permanent);
}
