import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RESPONSE_SNIPPET_BYTES, WebhookSender } from './webhook-sender';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

describe('webhook sender', () => {
  let server: Server;
  let port: number;
  const received: Received[] = [];
  let answer: (url: string, respond: (status: number, body?: string, headers?: Record<string, string>) => void) => void;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({
          method: request.method!,
          url: request.url!,
          headers: request.headers,
          body: Buffer.concat(chunks).toString(),
        });
        answer(request.url!, (status, body = '', headers = {}) => response.writeHead(status, headers).end(body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    received.length = 0;
    answer = (_url, respond) => respond(204);
  });

  const local = new WebhookSender({ allowHttp: true, allowPrivate: true });

  it('POSTs the body with the given headers and takes a 2xx as delivered', async () => {
    const result = await local.post(
      `http://127.0.0.1:${port}/hook?x=1`,
      { 'X-Farmhand-Event': 'print.done' },
      '{"a":1}',
    );
    expect(result).toEqual({ ok: true, status: 204, error: null, permanent: false, answer: '' });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'POST', url: '/hook?x=1', body: '{"a":1}' });
    expect(received[0]!.headers['x-farmhand-event']).toBe('print.done');
    expect(received[0]!.headers['content-length']).toBe('7');
  });

  it('keeps at most 1 kB of an error answer', async () => {
    answer = (_url, respond) => respond(500, 'x'.repeat(50_000));
    const result = await local.post(`http://127.0.0.1:${port}/hook`, {}, '{}');
    expect(result).toMatchObject({ ok: false, status: 500, permanent: false });
    expect(result.error!.startsWith('HTTP 500: xxx')).toBe(true);
    expect(result.error!.length).toBeLessThanOrEqual(RESPONSE_SNIPPET_BYTES);
  });

  it('never follows a redirect', async () => {
    answer = (url, respond) =>
      url === '/hook' ? respond(307, '', { location: `http://127.0.0.1:${port}/elsewhere` }) : respond(200);
    const result = await local.post(`http://127.0.0.1:${port}/hook`, {}, '{}');
    expect(result).toMatchObject({ ok: false, status: 307, permanent: false });
    expect(received.map((request) => request.url)).toEqual(['/hook']);
  });

  it('gives up on a receiver that does not answer in time (retryable)', async () => {
    answer = () => undefined;
    const sender = new WebhookSender({ allowHttp: true, allowPrivate: true }, { timeoutMs: 300 });
    const result = await sender.post(`http://127.0.0.1:${port}/slow`, {}, '{}');
    expect(result).toMatchObject({ ok: false, status: null, permanent: false });
    expect(result.error).toContain('no complete answer');
  });

  it('refuses a name that resolves to the cloud metadata address, without connecting', async () => {
    let asked = '';
    const sender = new WebhookSender(
      { allowHttp: true, allowPrivate: true },
      {
        resolver: (hostname, callback) => {
          asked = hostname;
          callback(null, [{ address: '169.254.169.254', family: 4 }]);
        },
      },
    );
    const result = await sender.post(`http://hooks.example.com:${port}/hook`, {}, '{}');
    expect(asked).toBe('hooks.example.com');
    expect(result).toMatchObject({ ok: false, permanent: true });
    expect(result.error).toContain('169.254.169.254');
    expect(received).toHaveLength(0);
  });

  it('checks the resolved address for https URLs too', async () => {
    const asked: string[] = [];
    const sender = new WebhookSender(
      { allowHttp: false, allowPrivate: false },
      {
        resolver: (hostname, callback) => {
          asked.push(hostname);
          callback(null, [{ address: '169.254.169.254', family: 4 }]);
        },
      },
    );
    const result = await sender.post('https://secure.example.com/hook', {}, '{}');
    expect(asked).toEqual(['secure.example.com']);
    expect(result).toMatchObject({ ok: false, permanent: true });
  });

  it('refuses a name with one private address among public ones (DNS rebinding setup)', async () => {
    const sender = new WebhookSender(
      { allowHttp: true, allowPrivate: false },
      {
        resolver: (_hostname, callback) =>
          callback(null, [
            { address: '93.184.216.34', family: 4 },
            { address: '127.0.0.1', family: 4 },
          ]),
      },
    );
    const result = await sender.post(`http://rebind.example.com:${port}/hook`, {}, '{}');
    expect(result).toMatchObject({ ok: false, permanent: true });
    expect(received).toHaveLength(0);
  });

  it('connects to exactly the address it checked', async () => {
    const sender = new WebhookSender(
      { allowHttp: true, allowPrivate: true },
      { resolver: (_hostname, callback) => callback(null, [{ address: '127.0.0.1', family: 4 }]) },
    );
    const result = await sender.post(`http://receiver.example.com:${port}/pinned`, {}, '{}');
    expect(result.ok).toBe(true);
    expect(received[0]!.headers.host).toBe(`receiver.example.com:${port}`);
  });

  it('refuses loopback literals and plain http when the policy does', async () => {
    const strict = new WebhookSender({ allowHttp: true, allowPrivate: false });
    expect(await strict.post(`http://127.0.0.1:${port}/hook`, {}, '{}')).toMatchObject({ ok: false, permanent: true });
    const httpsOnly = new WebhookSender({ allowHttp: false, allowPrivate: true });
    expect(await httpsOnly.post(`http://127.0.0.1:${port}/hook`, {}, '{}')).toMatchObject({
      ok: false,
      permanent: true,
    });
    expect(received).toHaveLength(0);
  });
});
