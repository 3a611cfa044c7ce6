import { DomainException } from '@farmhand/core';

/** A refusal that says when to come back: answered as 429 with a `Retry-After` header (`RetryAfterInterceptor`). */
export class RetryLaterException extends DomainException {
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('rate_limited', code, message, undefined, { retryAfterSeconds });
  }
}

export const EnrollmentErrors = {
  /** The one answer to any claim that does not succeed: it says nothing about why. */
  pairingNotFound: () => DomainException.notFound('pairing_not_found', 'No pending pairing has this code'),
  claimsLocked: (retryAfterSeconds: number) =>
    new RetryLaterException(
      'too_many_attempts',
      'Too many wrong pairing codes; try again later',
      Math.max(1, retryAfterSeconds),
    ),
  tooManyRequests: (retryAfterSeconds: number) =>
    new RetryLaterException('too_many_requests', 'Too many requests; try again later', Math.max(1, retryAfterSeconds)),
  pairingCapacity: () =>
    new RetryLaterException('pairing_capacity', 'Too many pairings are in progress; try again in a few minutes', 60),

  // Poll answers after RFC 8628 §3.5, with the status codes the agent understands (apps/agent/README.md).
  authorizationPending: () =>
    new DomainException('precondition', 'authorization_pending', 'Waiting for an admin to enter the code'),
  slowDown: (intervalSeconds: number) =>
    new RetryLaterException('slow_down', `Poll at most every ${intervalSeconds} seconds`, intervalSeconds),
  expiredToken: () => new DomainException('gone', 'expired_token', 'The pairing code expired; start again'),
  accessDenied: () => DomainException.forbidden('access_denied', 'An admin refused this pairing'),
  invalidGrant: () => DomainException.invalid('invalid_grant', 'The device code is unknown or was already used'),

  invalidToken: () =>
    DomainException.unauthorized('invalid_token', 'The enrollment token is unknown, used up, expired or revoked'),
  unknownFleet: () =>
    DomainException.invalid('unknown_fleet', 'fleetId names no fleet of this organization that you manage', 'fleetId'),
  printerNameTaken: () =>
    DomainException.conflict('printer_name_taken', 'A printer with this name already exists', 'name'),
  printerSerialTaken: () =>
    DomainException.conflict('printer_serial_taken', 'A printer with this serial already exists', 'serial'),
  tokenNotFound: () => DomainException.notFound('enrollment_token_not_found', 'Enrollment token not found'),
};
