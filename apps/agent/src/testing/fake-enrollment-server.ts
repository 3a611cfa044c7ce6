import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A minimal server speaking the enrollment contract in apps/agent/README.md, for tests of the agent's side.
 * Tokens redeem once; a pairing is approved after `pendingPolls` polls.
 */
export class FakeEnrollmentServer {
  readonly requests: Array<{ path: string; body: any }> = [];
  readonly tokens = new Map<string, string>();
  pendingPolls = 2;
  slowDownOnce = false;
  expire = false;
  private polls = 0;
  private server!: Server;
  url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: any = null;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString() || 'null');
    } catch {
      body = null;
    }
    this.requests.push({ path: req.url ?? '', body });
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (req.url === '/api/enrollment/redeem') {
      const printerId = this.tokens.get(body?.token);
      if (!printerId) return send(401, { error: { code: 'invalid_token', message: 'token unknown or used' } });
      this.tokens.delete(body.token);
      return send(200, { printerId, credential: `fh_agent_${printerId}_${'x'.repeat(32)}`, server: this.url });
    }
    if (req.url === '/api/enrollment/pairings') {
      return send(201, {
        deviceCode: 'd'.repeat(43),
        userCode: 'WDJBM-JHT4K',
        verificationUri: `${this.url}/pair`,
        verificationUriComplete: `${this.url}/pair?code=WDJBM-JHT4K`,
        expiresIn: 600,
        interval: 5,
      });
    }
    if (req.url === '/api/enrollment/pairings/poll') {
      if (this.expire) return send(410, { error: { code: 'expired_token' } });
      if (this.slowDownOnce) {
        this.slowDownOnce = false;
        return send(429, { error: { code: 'slow_down' } });
      }
      this.polls += 1;
      if (this.polls <= this.pendingPolls) return send(428, { error: { code: 'authorization_pending' } });
      return send(200, { printerId: 'prn_paired', credential: `fh_agent_paired_${'y'.repeat(32)}` });
    }
    send(404, { error: { code: 'not_found' } });
  }
}
