import { parseCliOptions } from './cli-options';

describe('printer-sim CLI options', () => {
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
      kind: 'octoprint',
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

  it('picks the front with --kind and keeps the per-kind default key when none is given', () => {
    const result = parseCliOptions(['--kind', 'moonraker'], { OCTOPRINT_SIM_API_KEY: 'octoprint-only' });
    expect(result).toMatchObject({ ok: true, kind: 'moonraker' });
    expect(result.ok && result.options.apiKey).toBeUndefined();
  });

  it.each([
    [['--kind', 'makerbot']],
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
