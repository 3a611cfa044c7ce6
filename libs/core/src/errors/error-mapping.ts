import { HttpException } from '@nestjs/common';
import { JSON_TOO_DEEP, MAX_JSON_DEPTH } from '../http/safe-input';
import { DomainException, type ErrorBody } from './domain.exception';

export interface MappedError {
  status: number;
  body: ErrorBody;
  /** Unexpected errors are logged with their stack; expected ones are not. */
  unexpected: boolean;
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P03',
  '08006',
  '08001',
]);

/** What node-postgres and TypeORM say when the server went away or cannot be reached (no SQLSTATE for these). */
const DATABASE_CONNECTION_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|terminating connection due to administrator command|the database system is (starting up|shutting down)|Cannot use a pool after calling end/i;

/** ioredis when its connection is down (request-path clients fail fast instead of queueing). */
const REDIS_CONNECTION_ERRORS = /MaxRetriesPerRequestError|Connection is closed|Stream isn't writeable/;

function isDatabaseConnectionError(error: {
  code?: string;
  name?: string;
  message?: string;
  driverError?: unknown;
}): boolean {
  if (error.name === 'ConnectionNotFoundError' || error.name === 'CannotConnectAlreadyConnectedError') return true;
  if (error.code && CONNECTION_ERROR_CODES.has(error.code)) return true;
  if (error.message && DATABASE_CONNECTION_MESSAGES.test(error.message)) return true;
  const driver = error.driverError as { code?: string; message?: string } | undefined;
  return Boolean(driver && driver !== error && isDatabaseConnectionError(driver));
}

function statusCode(status: number): string {
  const names: Record<number, string> = {
    400: 'bad_request',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'not_found',
    405: 'method_not_allowed',
    409: 'conflict',
    413: 'payload_too_large',
    415: 'unsupported_media_type',
    429: 'rate_limited',
  };
  return names[status] ?? 'http_error';
}

/** One mapping from any thrown value to a status and a safe body, shared by the HTTP and WebSocket filters. */
export function mapError(error: unknown, correlationId: string): MappedError {
  if (error instanceof DomainException) {
    const body: ErrorBody = { error: { code: error.code, message: error.message } };
    if (error.field) body.error.field = error.field;
    if (error.details) body.error.details = error.details;
    return { status: error.status, body, unexpected: false };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    if (typeof response === 'object' && response !== null && 'error' in response) {
      const inner = (response as { error: unknown }).error;
      if (typeof inner === 'object' && inner !== null && 'code' in inner) {
        return { status, body: response as ErrorBody, unexpected: false };
      }
    }
    const message =
      typeof response === 'string'
        ? response
        : Array.isArray((response as { message?: unknown }).message)
          ? ((response as { message: string[] }).message[0] ?? error.message)
          : String((response as { message?: unknown }).message ?? error.message);
    return { status, body: { error: { code: statusCode(status), message } }, unexpected: status >= 500 };
  }
  const candidate = error as { type?: string; status?: number; code?: string; name?: string; message?: string };
  // body-parser's own errors: malformed JSON and bodies over the limit.
  if (candidate?.type === 'entity.parse.failed') {
    return {
      status: 400,
      body: { error: { code: 'invalid_json', message: 'Request body is not valid JSON' } },
      unexpected: false,
    };
  }
  if (candidate?.type === JSON_TOO_DEEP) {
    return {
      status: 400,
      body: {
        error: {
          code: 'json_too_deep',
          message: `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`,
          details: { maxDepth: MAX_JSON_DEPTH },
        },
      },
      unexpected: false,
    };
  }
  if (candidate?.type === 'entity.too.large') {
    return {
      status: 413,
      body: { error: { code: 'payload_too_large', message: 'Request body is too large' } },
      unexpected: false,
    };
  }
  if (typeof candidate?.status === 'number' && candidate.status >= 400 && candidate.status < 500 && candidate.type) {
    return {
      status: candidate.status,
      body: { error: { code: statusCode(candidate.status), message: 'Bad request' } },
      unexpected: false,
    };
  }
  if (candidate?.name === 'ForbiddenError') {
    return {
      status: 403,
      body: { error: { code: 'forbidden', message: candidate.message ?? 'Forbidden' } },
      unexpected: false,
    };
  }
  if (candidate && REDIS_CONNECTION_ERRORS.test(`${candidate.name ?? ''} ${candidate.message ?? ''}`)) {
    return {
      status: 503,
      body: {
        error: {
          code: 'service_unavailable',
          message: 'A backing service is unavailable; try again shortly',
          correlationId,
        },
      },
      unexpected: true,
    };
  }
  // PostgreSQL away (restart, failover, network): 503 so clients retry; the pool reconnects by itself.
  if (candidate && isDatabaseConnectionError(candidate)) {
    return {
      status: 503,
      body: {
        error: {
          code: 'database_unavailable',
          message: 'The database is unavailable; try again shortly',
          correlationId,
        },
      },
      unexpected: true,
    };
  }
  return {
    status: 500,
    body: { error: { code: 'internal_error', message: 'Internal error', correlationId } },
    unexpected: true,
  };
}
