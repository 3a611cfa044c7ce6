import { BackendError } from '../backend/printer-backend';

export interface OctoPrintHttpOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs?: number;
}

export interface HttpAnswer {
  status: number;
  body: unknown;
}

const MAX_JSON_BYTES = 2 * 1024 * 1024;

/**
 * The REST half of an OctoPrint connection: X-Api-Key on every call, bounded bodies and time,
 * and OctoPrint's status codes mapped to command error codes.
 */
export class OctoPrintHttp {
  readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: OctoPrintHttpOptions) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    this.timeoutMs = options.timeoutMs ?? 10_000;
    assertHeaderSafe(options.apiKey);
  }

  async getJson(path: string, acceptStatuses: number[] = []): Promise<HttpAnswer> {
    return this.request('GET', path, undefined, acceptStatuses);
  }

  async postJson(path: string, body: unknown, acceptStatuses: number[] = []): Promise<HttpAnswer> {
    return this.request('POST', path, body, acceptStatuses);
  }

  async postForm(path: string, form: FormData, timeoutMs: number): Promise<HttpAnswer> {
    return this.send('POST', path, { body: form }, [], timeoutMs);
  }

  /** GETs a URL that may live elsewhere (a webcam); the API key is sent only to OctoPrint's own origin. */
  async getBinary(url: string, maxBytes: number): Promise<{ contentType: string; data: Buffer }> {
    const absolute = new URL(url, `${this.baseUrl}/`);
    if (absolute.protocol !== 'http:' && absolute.protocol !== 'https:') {
      throw new BackendError('backend_error', 'webcam URL is not http(s)');
    }
    const sameOrigin = absolute.origin === new URL(this.baseUrl).origin;
    let response: Response;
    try {
      response = await fetch(absolute, {
        headers: sameOrigin ? { 'X-Api-Key': this.options.apiKey } : {},
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new BackendError('backend_unreachable', `webcam unreachable: ${describeFetchError(error)}`);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new BackendError('backend_error', `webcam answered ${response.status}`);
    }
    const data = await readLimited(response, maxBytes);
    return { contentType: response.headers.get('content-type') ?? '', data };
  }

  private async request(method: string, path: string, body: unknown, acceptStatuses: number[]): Promise<HttpAnswer> {
    const init: RequestInit =
      body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } };
    return this.send(method, path, init, acceptStatuses, this.timeoutMs);
  }

  private async send(
    method: string,
    path: string,
    init: RequestInit,
    acceptStatuses: number[],
    timeoutMs: number,
  ): Promise<HttpAnswer> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        ...init,
        method,
        headers: { ...(init.headers as Record<string, string>), 'X-Api-Key': this.options.apiKey },
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      throw new BackendError('backend_unreachable', `OctoPrint unreachable: ${describeFetchError(error)}`);
    }
    const text = (await readLimited(response, MAX_JSON_BYTES)).toString('utf8');
    let parsed: unknown = null;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (response.ok || acceptStatuses.includes(response.status)) return { status: response.status, body: parsed };
    throw errorFor(response.status, parsed);
  }
}

function errorFor(status: number, body: unknown): BackendError {
  const detail =
    body !== null && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string'
      ? (body as { error: string }).error.slice(0, 300)
      : `HTTP ${status}`;
  if (status === 401 || status === 403) {
    // OctoPrint answers 403 to an unknown or revoked key and to a key whose user lacks the permission.
    return new BackendError(
      'backend_unauthorized',
      `OctoPrint refused the API key (HTTP ${status}: ${detail}): it is wrong, revoked, or its user lacks permissions`,
    );
  }
  if (status === 409) return new BackendError('invalid_state', detail);
  if (status === 404) return new BackendError('not_found', detail);
  if (status === 400 || status === 415) return new BackendError('invalid_arguments', detail);
  if (status === 413) return new BackendError('too_large', detail);
  return new BackendError('backend_error', `OctoPrint answered ${status}: ${detail}`);
}

export async function readLimited(response: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new BackendError('too_large', `response of ${declared} bytes exceeds ${maxBytes}`);
  }
  if (!response.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw new BackendError('too_large', `response exceeds ${maxBytes} bytes`);
      }
      chunks.push(Buffer.from(value));
    }
  } catch (error) {
    if (error instanceof BackendError) throw error;
    throw new BackendError('backend_unreachable', `connection lost while reading: ${describeFetchError(error)}`);
  }
  return Buffer.concat(chunks);
}

export function normalizeBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`not a URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('OctoPrint URL must be http(s)');
  if (url.username || url.password) throw new Error('put credentials in the API key, not in the OctoPrint URL');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** OctoPrint keys may use any characters, but an HTTP header can only carry Latin-1 without line breaks. */
function assertHeaderSafe(apiKey: string): void {
  if (apiKey.length === 0) throw new Error('the OctoPrint API key is empty');

  if (/[^\u0020-\u007e\u00a0-\u00ff\t]/.test(apiKey)) {
    throw new Error('the OctoPrint API key contains characters an HTTP header cannot carry');
  }
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (error.name === 'TimeoutError') return 'timed out';
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}
