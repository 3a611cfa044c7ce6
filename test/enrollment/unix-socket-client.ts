import { request } from 'node:http';
import type { HttpResult } from '@farmhand/testing';

/**
 * The same surface as @farmhand/testing's HttpClient, over a Unix domain socket: the server sees no client address
 * at all (`socket.remoteAddress` is undefined), as when a load balancer stops passing it.
 */
export class UnixSocketClient {
  private readonly cookies = new Map<string, string>();
  bearer?: string;
  extraHeaders: Record<string, string> = {};

  constructor(readonly socketPath: string) {}

  request<T = any>(method: string, path: string, body?: unknown): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...this.extraHeaders, host: 'localhost' };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    return new Promise((resolve, reject) => {
      const outgoing = request({ socketPath: this.socketPath, path, method, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            for (const item of ([] as string[]).concat(value ?? [])) responseHeaders.append(name, item);
          }
          for (const cookie of ([] as string[]).concat(response.headers['set-cookie'] ?? [])) {
            const [pair] = cookie.split(';');
            const index = pair!.indexOf('=');
            const value = pair!.slice(index + 1);
            if (!value || /expires=Thu, 01 Jan 1970/i.test(cookie)) this.cookies.delete(pair!.slice(0, index));
            else this.cookies.set(pair!.slice(0, index), value);
          }
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: response.statusCode ?? 0, body: parsed as T, headers: responseHeaders });
        });
      });
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
  patch<T = any>(path: string, body?: unknown) {
    return this.request<T>('PATCH', path, body ?? {});
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }
  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }
  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }
}
