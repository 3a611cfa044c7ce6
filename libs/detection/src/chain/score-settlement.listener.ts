import { Inject, Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { AgentsEventMap } from '@farmhand/agents';
import { LOGGER } from '@farmhand/core';
import type { Logger } from 'pino';
import { ScoreStateStore } from './score-state.store';

/**
 * When a print ends, its frames stay in the printer's long mean only if it was not a failure: a failed print, or one
 * cancelled after an alert, returns the long mean to where it was before the print (issue 12 point 4).
 */
@Injectable()
export class ScoreSettlementListener {
  constructor(
    private readonly scores: ScoreStateStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @OnEvent('printer.printEvent')
  async onPrintEvent(event: AgentsEventMap['printer.printEvent']): Promise<void> {
    if (event.type !== 'done' && event.type !== 'failed' && event.type !== 'cancelled') return;
    try {
      await this.scores.settle(event.printerId, null, event.type);
    } catch (error) {
      // The next print settles an unsettled one from what it knows (the alert flag); never crash an event handler.
      this.logger.warn({ err: error, printerId: event.printerId }, 'could not settle the scoring state of a print');
    }
  }
}
