import { randomUUID } from 'node:crypto';

import { commandSchema } from '@farmhand/protocol';

import { OctoPrintFarm } from '../../../printer-sim/src/octoprint/octoprint-farm';
import { OctoPrintClient } from '../octoprint/octoprint.client';
import { silentLogger } from '../testing/test-helpers';
import { CommandExecutor } from './command-executor';
import { FileDispatcher } from './file-dispatcher';
import { GcodePolicy } from './gcode-policy';
import { sleep } from '../../../../test/support/wait-for';

describe('CommandExecutor', () => {
  let farm: OctoPrintFarm;
  let client: OctoPrintClient;
  let executor: CommandExecutor;

  beforeEach(async () => {
    farm = new OctoPrintFarm({ printers: 1, timeScale: 10, apiKey: 'k' });
    await farm.start();
    const logger = silentLogger();
    client = new OctoPrintClient({ baseUrl: farm.url(0), apiKey: 'k', logger, usePushSocket: false });
    await client.start();
    executor = new CommandExecutor({
      backend: client,
      logger,
      policy: new GcodePolicy(),
      dispatcher: new FileDispatcher({ backend: client, logger }),
      captureFrame: async () => ({ bytes: 0 }),
      historySize: 3,
    });
  });

  afterEach(async () => {
    await client.stop();
    await farm.stop();
  });

  const gcode = (line: string, extra: Record<string, unknown> = {}) =>
    commandSchema.parse({ id: randomUUID(), type: 'gcode', args: { lines: [line] }, ...extra });

  it('runs concurrent deliveries of one id once', async () => {
    const command = gcode('M106 S1');
    const results = await Promise.all([
      executor.execute(command),
      executor.execute(command),
      executor.execute(command),
    ]);
    expect(new Set(results.map((result) => JSON.stringify(result))).size).toBe(1);
    expect(farm.printer(0).commandLog).toEqual(['M106 S1']);
  });

  it('does not act on a command that arrives after it expired', async () => {
    const result = await executor.execute(gcode('M106 S2', { expiresAt: Date.now() - 1 }));
    expect(result).toMatchObject({ ok: false, error: { code: 'timeout' } });
    expect(farm.printer(0).commandLog).toEqual([]);
  });

  it('forgets the oldest ids beyond its history size', async () => {
    const first = gcode('M106 S3');
    await executor.execute(first);
    for (const line of ['M106 S4', 'M106 S5', 'M106 S6']) await executor.execute(gcode(line));
    await sleep(10);
    await executor.execute(first);
    expect(farm.printer(0).commandLog.filter((line) => line === 'M106 S3')).toHaveLength(2);
  });
});
