export type ErrorKind =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'gone'
  | 'too_large'
  | 'unsupported_media_type'
  | 'precondition'
  | 'rate_limited'
  | 'unavailable'
  | 'timeout';

export const ERROR_KIND_STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  too_large: 413,
  unsupported_media_type: 415,
  precondition: 428,
  rate_limited: 429,
  unavailable: 503,
  timeout: 504,
};

/**
 * A failure the domain expects and can name. `code` is stable (clients and tests match on it), `message` is for
 * people, `field` names the input at fault. Filters turn it into `{ error: { code, message, field? } }`.
 */
export class DomainException extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainException';
  }

  get status(): number {
    return ERROR_KIND_STATUS[this.kind];
  }

  static invalid(code: string, message: string, field?: string, details?: Record<string, unknown>): DomainException {
    return new DomainException('invalid', code, message, field, details);
  }
  static notFound(code: string, message: string): DomainException {
    return new DomainException('not_found', code, message);
  }
  static conflict(code: string, message: string, field?: string): DomainException {
    return new DomainException('conflict', code, message, field);
  }
  static forbidden(code: string, message: string): DomainException {
    return new DomainException('forbidden', code, message);
  }
  static unauthorized(code: string, message: string): DomainException {
    return new DomainException('unauthorized', code, message);
  }
}

export interface ErrorBody {
  error: { code: string; message: string; field?: string; correlationId?: string; details?: Record<string, unknown> };
}
