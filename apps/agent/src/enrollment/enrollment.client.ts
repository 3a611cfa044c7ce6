import {
  AGENT_HTTP_PATHS,
  httpErrorBodySchema,
  pairingPollResponseSchema,
  pairingStartResponseSchema,
  redeemResponseSchema,
} from '@farmhand/protocol';
import type { AgentInfo, Enrolled, PairingStartResponse } from '@farmhand/protocol';
import type { z } from 'zod';

export class EnrollmentError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

export type PollOutcome =
  | { status: 'pending' }
  | { status: 'slow_down' }
  | { status: 'expired' }
  | { status: 'denied' }
  | { status: 'approved'; enrolled: Enrolled };

const MAX_RESPONSE_BYTES = 64 * 1024;

/** The agent's side of the enrollment HTTP contract (see apps/agent/README.md). */
export class EnrollmentClient {
  private readonly serverUrl: string;

  constructor(
    serverUrl: string,
    private readonly timeoutMs = 15_000,
  ) {
    const url = new URL(serverUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new EnrollmentError('bad_server', 'server must be http(s)');
    this.serverUrl = url.origin;
  }

  async redeem(token: string, agent: AgentInfo): Promise<Enrolled> {
    const { status, body } = await this.post(AGENT_HTTP_PATHS.redeem, { token, agent });
    if (status >= 200 && status < 300) return this.validate(redeemResponseSchema, body);
    throw errorFrom(status, body, 'the server refused the enrollment token');
  }

  async startPairing(agent: AgentInfo): Promise<PairingStartResponse> {
    const { status, body } = await this.post(AGENT_HTTP_PATHS.pairings, { agent });
    if (status >= 200 && status < 300) return this.validate(pairingStartResponseSchema, body);
    throw errorFrom(status, body, 'the server refused to start pairing');
  }

  async pollPairing(deviceCode: string): Promise<PollOutcome> {
    const { status, body } = await this.post(AGENT_HTTP_PATHS.pairingPoll, { deviceCode });
    if (status === 200) return { status: 'approved', enrolled: this.validate(pairingPollResponseSchema, body) };
    const code = httpErrorBodySchema.safeParse(body).data?.error.code;
    if (status === 428 || code === 'authorization_pending') return { status: 'pending' };
    if (status === 429 || code === 'slow_down') return { status: 'slow_down' };
    if (status === 410 || code === 'expired_token') return { status: 'expired' };
    if (status === 403 || code === 'access_denied') return { status: 'denied' };
    throw errorFrom(status, body, 'pairing failed');
  }

  private validate<T>(schema: z.ZodType<T>, body: unknown): T {
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new EnrollmentError('bad_response', 'the server answered with an unexpected body');
    return parsed.data;
  }

  private async post(path: string, payload: unknown): Promise<{ status: number; body: unknown }> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.serverUrl), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      throw new EnrollmentError('unreachable', `cannot reach ${this.serverUrl}: ${(error as Error).name}`);
    }
    const length = Number(response.headers.get('content-length') ?? 0);
    if (length > MAX_RESPONSE_BYTES) {
      await response.body?.cancel();
      throw new EnrollmentError('bad_response', 'the server answer is too large');
    }
    const text = await response.text();
    if (text.length > MAX_RESPONSE_BYTES) throw new EnrollmentError('bad_response', 'the server answer is too large');
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    return { status: response.status, body };
  }
}

function errorFrom(status: number, body: unknown, fallback: string): EnrollmentError {
  const error = httpErrorBodySchema.safeParse(body).data?.error;
  return new EnrollmentError(error?.code ?? `http_${status}`, error?.message ?? `${fallback} (HTTP ${status})`, status);
}
