import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { LOGGER } from '../logging/logging.module';
import { RequestContext } from '../logging/request-context';
import { mapError } from './error-mapping';

/**
 * The one exception filter: HTTP answers `{ error: { code, message, field? } }` with the mapped status; socket
 * handlers answer the same body through their acknowledgement callback, else as an `error` event. Unexpected
 * errors are logged with their stack and answered with a correlation id only.
 */
@Catch()
export class ExceptionsFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const correlationId = RequestContext.correlationId() ?? 'none';
    const mapped = mapError(exception, correlationId);
    if (host.getType() === 'ws') {
      if (mapped.unexpected) this.logger.error({ err: exception }, 'socket handler failed');
      const client = host.switchToWs().getClient<{ emit: (event: string, body: unknown) => void }>();
      const ack = host.getArgs().find((arg, index) => index > 0 && typeof arg === 'function') as
        ((body: unknown) => void) | undefined;
      const body = { ...mapped.body, status: mapped.status };
      if (ack) ack(body);
      else client.emit('error', body);
      return;
    }
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    if (mapped.unexpected)
      this.logger.error({ err: exception, method: request.method, path: request.path }, 'request failed');
    if (response.headersSent) return;
    const retryAfter = mapped.body.error.details?.retryAfterSeconds;
    if (typeof retryAfter === 'number' && (mapped.status === 429 || mapped.status === 503))
      response.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfter))));
    response.status(mapped.status).json(mapped.body);
  }
}

/** Express-level errors (body parsing, size limits) never reach Nest's filters; this maps them the same way. */
export function expressErrorHandler(logger: Logger) {
  return (error: unknown, request: Request, response: Response, next: NextFunction): void => {
    if (response.headersSent) return next(error);
    const mapped = mapError(error, RequestContext.correlationId() ?? 'none');
    if (mapped.unexpected) logger.error({ err: error, method: request.method, path: request.path }, 'request failed');
    response.status(mapped.status).json(mapped.body);
  };
}
