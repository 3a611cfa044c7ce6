import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { LOGGER, mapError } from '@farmhand/core';
import { SERVER_EVENTS, type ProtocolError } from '@farmhand/protocol';
import type { Logger } from 'pino';
import type { Socket } from 'socket.io';

/**
 * The agent protocol has one error message, `protocol_error`; an agent does not know the dashboard's `error`
 * event. Anything a handler or the policy guard throws is answered with it (no detail for unexpected errors).
 */
@Catch()
export class AgentExceptionsFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const mapped = mapError(exception, 'agent');
    const socket = host.switchToWs().getClient<Socket>();
    const principal = (socket.data as { principal?: { printerId?: string } } | undefined)?.principal;
    if (mapped.unexpected)
      this.logger.error({ err: exception, printerId: principal?.printerId }, 'agent handler failed');
    else this.logger.warn({ code: mapped.body.error.code, printerId: principal?.printerId }, 'agent message refused');
    const error: ProtocolError = {
      code: 'internal',
      message: mapped.unexpected ? 'the server could not handle the message' : mapped.body.error.message.slice(0, 500),
    };
    socket.emit(SERVER_EVENTS.protocolError, error);
  }
}
