import { Injectable } from '@nestjs/common';
import { MetricsService } from '@farmhand/core';
import type { Counter, Histogram } from 'prom-client';

export type AgentMessageOutcome = 'accepted' | 'refused' | 'throttled';

/**
 * The agent link's Prometheus metrics (`/metrics`): messages by event and outcome, abusive disconnects, commands by
 * type and outcome (the failure code) and their round trip by type and outcome class (`commandOutcome`).
 * `bench/fleet.ts` and `bench/scale.ts` read them too.
 */
@Injectable()
export class AgentStats {
  private readonly messages: Counter<string>;
  private readonly abusive: Counter<string>;
  private readonly commands: Counter<string>;
  private readonly commandSeconds: Histogram<string>;

  constructor(metrics: MetricsService) {
    this.messages = metrics.counter('farmhand_agent_messages_total', 'Messages received from agents', [
      'event',
      'outcome',
    ]);
    this.abusive = metrics.counter(
      'farmhand_agent_abusive_disconnects_total',
      'Agent sockets closed for sustained refused messages',
    );
    this.commands = metrics.counter('farmhand_agent_commands_total', 'Printer commands by type and outcome', [
      'type',
      'outcome',
    ]);
    this.commandSeconds = metrics.histogram(
      'farmhand_agent_command_seconds',
      'Printer command round trip, from sending to the agent result, by type and outcome (ack, refused, timeout, offline)',
      ['type', 'outcome'],
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60],
    );
  }

  message(event: string, outcome: AgentMessageOutcome): void {
    this.messages.inc({ event: knownEvent(event), outcome });
  }

  abusiveDisconnect(): void {
    this.abusive.inc();
  }

  /** `outcome`: 'ok' or the failure's code. */
  command(type: string, outcome: string, seconds: number): void {
    this.commands.inc({ type, outcome });
    this.commandSeconds.observe({ type, outcome: commandOutcome(outcome) }, seconds);
  }
}

export type CommandOutcomeClass = 'ack' | 'refused' | 'timeout' | 'offline';

/**
 * The latency histogram's outcome: the agent acknowledged, refused (its own error or an unreadable answer), did not
 * answer in time, or was not connected anywhere.
 */
export function commandOutcome(code: string): CommandOutcomeClass {
  if (code === 'ok') return 'ack';
  if (code === 'command_timeout' || code === 'timeout') return 'timeout';
  if (code === 'printer_offline') return 'offline';
  return 'refused';
}

const EVENTS = new Set(['hello', 'status', 'event', 'command_result', 'protocol_error']);

/** Label values stay a closed set whatever an agent sends as event name. */
function knownEvent(event: string): string {
  return EVENTS.has(event) ? event : 'unknown';
}
