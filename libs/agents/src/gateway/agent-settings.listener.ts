import { Inject, Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { LOGGER, type DomainEventMap } from '@farmhand/core';
import type { Logger } from 'pino';
import { AgentCommandBus } from '../control/agent-command.bus';

/** An operator's change to a printer's settings reaches its connected agent within a second, not at its next hello. */
@Injectable()
export class AgentSettingsListener {
  constructor(
    private readonly bus: AgentCommandBus,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @OnEvent('printer.detectionChanged')
  async onDetectionChanged(event: DomainEventMap['printer.detectionChanged']): Promise<void> {
    try {
      await this.bus.sendSettings(event.printerId, { frameIntervalSeconds: event.frameIntervalSeconds });
    } catch (error) {
      // The agent reads the interval again when it reconnects; an event handler never throws.
      this.logger.warn({ err: error, printerId: event.printerId }, 'could not send settings to the agent');
    }
  }
}
