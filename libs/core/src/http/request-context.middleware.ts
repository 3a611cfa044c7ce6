import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { RequestContext } from '../logging/request-context';
import { resolveClientAddress, type ProxyRange } from './client-address';

const CORRELATION_ID = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * Opens the request's context: correlation id (a caller's well-formed X-Request-Id is kept) and the client
 * address, used for rate limits and audit only. Forwarding headers from an untrusted peer are ignored and logged.
 */
export function requestContextMiddleware(proxies: ProxyRange[], logger: Logger) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const header = request.headers['x-request-id'];
    const correlationId = typeof header === 'string' && CORRELATION_ID.test(header) ? header : undefined;
    const address = resolveClientAddress(
      request.socket.remoteAddress,
      request.headers['x-forwarded-for'],
      request.headers.forwarded,
      proxies,
    );
    const userAgent = typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : undefined;
    RequestContext.run({ correlationId, clientIp: address.ip, userAgent }, () => {
      const context = RequestContext.current()!;
      response.setHeader('X-Request-Id', context.correlationId);
      if (address.spoofedForwarding) {
        logger.warn({ peer: address.ip, path: request.path }, 'forwarding headers from an untrusted peer were ignored');
      }
      next();
    });
  };
}
