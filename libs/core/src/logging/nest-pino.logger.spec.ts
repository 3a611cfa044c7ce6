import pino from 'pino';
import { NestPinoLogger } from './nest-pino.logger';

function capture(level: string) {
  const lines: Array<{ level: number; msg: string; context?: string }> = [];
  const logger = pino({ level }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { nest: new NestPinoLogger(logger), lines };
}

describe('NestPinoLogger', () => {
  it("logs Nest's start-up inventory (modules, routes, socket handlers) at debug, not info", () => {
    const { nest, lines } = capture('info');
    nest.log('Mapped {/api/orgs, GET} route', 'RouterExplorer');
    nest.log('OrganizationsController {/api/orgs}:', 'RoutesResolver');
    nest.log('CoreModule dependencies initialized', 'InstanceLoader');
    nest.log('AgentGateway subscribed to the "hello" message', 'WebSocketsController');
    expect(lines).toEqual([]);

    const verbose = capture('debug');
    verbose.nest.log('Mapped {/api/orgs, GET} route', 'RouterExplorer');
    expect(verbose.lines).toEqual([expect.objectContaining({ level: 20, context: 'RouterExplorer' })]);
  });

  it('keeps everything else Nest says at its level', () => {
    const { nest, lines } = capture('info');
    nest.log('Nest application successfully started', 'NestApplication');
    nest.warn('something odd', 'SomeService');
    nest.error('broke', 'stack', 'SomeService');
    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      [30, 'Nest application successfully started'],
      [40, 'something odd'],
      [50, 'broke'],
    ]);
  });
});
