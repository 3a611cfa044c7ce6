import { Inject, Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { LOGGER, type DomainEventMap } from '@farmhand/core';
import type { EnrollmentEventMap } from '@farmhand/enrollment';
import type { Logger } from 'pino';
import { AgentCommandBus } from '../control/agent-command.bus';
import { PresenceRepository } from '../presence/presence.repository';

type Revoked = EnrollmentEventMap['printerCredential.revoked'] & DomainEventMap['printerCredential.revoked'];

/** A revoked credential stops at once: its printer's live sockets are closed on every api instance. */
@Injectable()
export class AgentRevocationListener {
  constructor(
    private readonly bus: AgentCommandBus,
    private readonly presence: PresenceRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @OnEvent('printerCredential.revoked', { async: true, promisify: true, suppressErrors: true })
  async onRevoked(event: Revoked): Promise<void> {
    try {
      // Remembered first: a handshake that authenticated just before the revocation checks it after joining.
      await this.presence.rememberRevoked(event.printerId, event.credentialIds);
    } finally {
      this.bus.disconnectPrinter(event.printerId);
      this.logger.info({ printerId: event.printerId }, 'revoked credential: agent connections closed');
    }
  }
}
