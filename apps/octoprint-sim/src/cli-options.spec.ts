import { parseCliOptions } from './cli-options';

describe('octoprint-sim CLI options', () => {
  it('reads the documented flags', () => {
    const result = parseCliOptions(
      [
        '--printers',
        '50',
        '--port',
        '0',
        '--time-scale',
        '60',
        '--api-key',
        'k',
        '--port-per-printer',
        '--start-offline',
      ],
      {},
    );
    expect(result).toEqual({
      ok: true,
      options: expect.objectContaining({
        printers: 50,
        port: 0,
        timeScale: 60,
        apiKey: 'k',
        portPerPrinter: true,
        startConnected: false,
      }),
    });
  });

  it('takes the API key from the environment when no flag is given', () => {
    const result = parseCliOptions([], { OCTOPRINT_SIM_API_KEY: 'from-env' });
    expect(result.ok && result.options.apiKey).toBe('from-env');
  });

  it.each([
    [['--printers', '0']],
    [['--printers', 'many']],
    [['--port', '70000']],
    [['--time-scale', '-1']],
    [['--api-key', '']],
    [['--unknown']],
  ])('rejects %j', (argv) => {
    expect(parseCliOptions(argv, {})).toMatchObject({ ok: false });
  });
});
