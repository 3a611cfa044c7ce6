import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { RequestContext } from '../logging/request-context';

/**
 * A client that walks away mid-request (connection closed, broken chunked framing, fewer bytes than its
 * Content-Length) makes Node destroy the request stream with `Error: aborted`. Node emits that error only if the
 * stream has an 'error' listener when it checks, and emits it a tick later: a reader that removed its listener in
 * between (pipe teardown, an abort signal, a body reader that settled on 'aborted') left the process to crash on an
 * unhandled 'error' event. Every request stream therefore keeps this listener for its whole life: the abort is
 * logged once at info (it is the client's doing, not a fault) and whoever reads the body sees the error as usual.
 */
export function clientAbortMiddleware(logger: Logger) {
  return (request: Request, _response: Response, next: NextFunction): void => {
    // Stream events run outside the request's async context: keep what the log line needs now.
    const correlationId = RequestContext.correlationId();
    let logged = false;
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (logged) return;
      logged = true;
      logger.info(
        {
          correlationId,
          method: request.method,
          path: request.path,
          reason: error.code ?? error.message,
          bodyComplete: request.complete,
        },
        'client aborted the request',
      );
    });
    next();
  };
}
