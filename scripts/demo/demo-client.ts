/** A small HTTP client with one session cookie, as the demo admin's browser would hold it. */
export class DemoHttpError extends Error {
  constructor(
    readonly what: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${what}: HTTP ${status} ${typeof body === 'string' ? body.slice(0, 300) : JSON.stringify(body)}`);
  }
}

export interface DemoResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

export class DemoClient {
  private session: string | null = null;

  constructor(readonly baseUrl: string) {}

  async request<T = any>(
    method: string,
    path: string,
    options: { json?: unknown; raw?: string | Uint8Array; contentType?: string } = {},
  ): Promise<DemoResponse<T>> {
    const headers: Record<string, string> = {};
    if (this.session) headers.cookie = this.session;
    let body: string | Uint8Array<ArrayBuffer> | undefined;
    if (options.raw !== undefined) {
      body = typeof options.raw === 'string' ? options.raw : new Uint8Array(options.raw);
      headers['content-type'] = options.contentType ?? 'application/octet-stream';
    } else if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const pair = cookie.split(';')[0]!;
      if (pair.startsWith('fh_session=')) this.session = pair;
    }
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  /** The request, which must answer one of `expected` (default 200 and 201). */
  async expect<T = any>(
    what: string,
    method: string,
    path: string,
    options: { json?: unknown; raw?: string | Uint8Array; contentType?: string } = {},
    expected: number[] = [200, 201],
  ): Promise<T> {
    const response = await this.request<T>(method, path, options);
    if (!expected.includes(response.status)) throw new DemoHttpError(what, response.status, response.body);
    return response.body;
  }
}
