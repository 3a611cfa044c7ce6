import { MetricsService } from '@farmhand/core';
import { AgentStats, commandOutcome } from './agent-stats.service';

describe('AgentStats', () => {
  it('classes command outcomes for the latency histogram: ack, refused, timeout, offline', () => {
    expect(commandOutcome('ok')).toBe('ack');
    expect(commandOutcome('command_timeout')).toBe('timeout');
    // The agent's own code when a command reached it after it expired.
    expect(commandOutcome('timeout')).toBe('timeout');
    expect(commandOutcome('printer_offline')).toBe('offline');
    expect(commandOutcome('invalid_state')).toBe('refused');
    expect(commandOutcome('agent_protocol_error')).toBe('refused');
  });

  it('counts by failure code and times by outcome class, with unknown event names folded into one label', async () => {
    const metrics = new MetricsService();
    const stats = new AgentStats(metrics);
    stats.command('pause', 'command_timeout', 15);
    stats.command('pause', 'ok', 0.02);
    stats.message('status', 'accepted');
    stats.message('anything-an-agent-sends', 'refused');
    const text = await metrics.render();
    expect(text).toContain('farmhand_agent_commands_total{type="pause",outcome="command_timeout"} 1');
    expect(text).toContain('farmhand_agent_command_seconds_count{type="pause",outcome="timeout"} 1');
    expect(text).toContain('farmhand_agent_command_seconds_bucket{le="0.025",type="pause",outcome="ack"} 1');
    expect(text).toContain('farmhand_agent_messages_total{event="unknown",outcome="refused"} 1');
  });
});
