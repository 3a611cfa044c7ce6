import { randomUUID } from 'node:crypto';
import type { Command } from '@farmhand/protocol';
import pino from 'pino';
import type { Namespace } from 'socket.io';
import { AgentCommandBus } from './agent-command.bus';

type Answer = { error: boolean; responses: unknown[] };

/**
 * A namespace whose printer room answers each emit with the next scripted answer; its gateway room (printers
 * attached on a multiplexed socket) answers from `gatewayAnswers`, empty (nobody attached) by default.
 */
function fakeNamespace(answers: Answer[], gatewayAnswers: Answer[] = []) {
  const sent: Array<{ room: string; command: Command; timeoutMs: number }> = [];
  const enveloped: Array<{ room: string; event: string; payload: unknown }> = [];
  const namespace = {
    to: (room: string) => ({
      timeout: (timeoutMs: number) => ({
        emit: (event: string, payload: unknown, ack: (error: Error | null, responses: unknown[]) => void) => {
          if (room.startsWith('printer-gw:')) {
            enveloped.push({ room, event, payload });
            const answer = gatewayAnswers.shift() ?? { error: false, responses: [] };
            setTimeout(() => ack(answer.error ? new Error('operation has timed out') : null, answer.responses), 1);
            return;
          }
          const command = payload as Command;
          sent.push({ room, command, timeoutMs });
          const answer = answers.shift() ?? { error: true, responses: [] };
          setTimeout(() => ack(answer.error ? new Error('operation has timed out') : null, answer.responses), 5);
        },
      }),
    }),
  };
  return { namespace: namespace as unknown as Namespace, sent, enveloped };
}

function busWith(answers: Answer[], gatewayAnswers: Answer[] = []) {
  const bus = new AgentCommandBus({ REDIS_URL: 'redis://unused', REDIS_PREFIX: 'unused' }, pino({ level: 'silent' }));
  const fake = fakeNamespace(answers, gatewayAnswers);
  bus.attach(fake.namespace);
  return { bus, sent: fake.sent, enveloped: fake.enveloped };
}

const command = (): Command => ({ id: randomUUID(), type: 'pause', args: {} });
const ok = (id: string) => ({ id, ok: true, data: { accepted: true }, finishedAt: Date.now() });

describe('AgentCommandBus.deliver', () => {
  it('returns the result the agent acknowledged, sent to the printer room', async () => {
    const pause = command();
    const { bus, sent } = busWith([{ error: false, responses: [ok(pause.id)] }]);
    const delivery = await bus.deliver('printer-1', pause, Date.now() + 15_000);
    expect(delivery).toMatchObject({ status: 'answered', attempts: 1, result: { id: pause.id, ok: true } });
    expect(sent).toEqual([{ room: 'printer:printer-1', command: pause, timeoutMs: 5_000 }]);
  });

  it('delivers to a printer attached on a gateway socket in an envelope naming the printer', async () => {
    const pause = command();
    const { bus, enveloped } = busWith(
      [{ error: false, responses: [] }],
      [{ error: false, responses: [ok(pause.id)] }],
    );
    const delivery = await bus.deliver('printer-1', pause, Date.now() + 15_000);
    expect(delivery).toMatchObject({ status: 'answered', attempts: 1, result: { id: pause.id } });
    expect(enveloped).toEqual([
      {
        room: 'printer-gw:printer-1',
        event: 'printer',
        payload: { printerId: 'printer-1', event: 'command', data: pause },
      },
    ]);
  });

  it('answers offline when no instance holds a socket of the printer', async () => {
    const { bus } = busWith([{ error: false, responses: [] }]);
    expect(await bus.deliver('printer-1', command(), Date.now() + 15_000)).toEqual({ status: 'offline' });
  });

  it('sends the same id again when an attempt is not answered, so the agent runs it once', async () => {
    const pause = command();
    const { bus, sent } = busWith([
      { error: true, responses: [] },
      { error: false, responses: [] },
      { error: false, responses: [ok(pause.id)] },
    ]);
    const delivery = await bus.deliver('printer-1', pause, Date.now() + 15_000);
    expect(delivery).toMatchObject({ status: 'answered', attempts: 3 });
    expect(new Set(sent.map((entry) => entry.command.id))).toEqual(new Set([pause.id]));
  });

  it('times out at the deadline, saying whether the command reached an agent', async () => {
    const { bus } = busWith([]);
    expect(await bus.deliver('printer-1', command(), Date.now() + 60)).toMatchObject({
      status: 'timeout',
      delivered: true,
    });
  });

  it('refuses an acknowledgement that is not a result for this command', async () => {
    const pause = command();
    const { bus } = busWith([
      { error: false, responses: [ok(randomUUID()), { ok: false, error: { code: 'malformed', message: 'x' } }] },
    ]);
    expect(await bus.deliver('printer-1', pause, Date.now() + 15_000)).toMatchObject({ status: 'rejected' });
  });
});
