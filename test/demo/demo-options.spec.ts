import { Readable } from 'node:stream';
import { parseEnrollmentCsv } from '@farmhand/enrollment';
import {
  DEMO_BAYS,
  DEMO_FILES,
  demoGcode,
  demoJobCopies,
  demoLanSecrets,
  demoPrinters,
  designatedFailure,
  enrollmentCsv,
  MIXED_MIN_PRINTERS,
} from '../../scripts/demo/demo-farm';
import { parseDemoOptions } from '../../scripts/demo/demo-options';

describe('demo options', () => {
  it('defaults to a mixed farm of 24 printers on port 3000 in a recreated farmhand_demo database', () => {
    expect(parseDemoOptions([])).toEqual({
      ok: true,
      options: {
        printers: 24,
        port: 3000,
        keep: false,
        database: 'farmhand_demo',
        dir: '.data/demo',
        timeScale: 30,
        failAfterSeconds: 30,
        agentProcesses: false,
        mix: true,
      },
    });
    const octoprint = parseDemoOptions(['--octoprint-only', '--printers', '3']);
    expect(octoprint.ok && octoprint.options).toMatchObject({ printers: 3, mix: false });
    // --mix, from before the mixed farm was the default, is still accepted and changes nothing.
    expect(parseDemoOptions(['--mix', '--printers', '6'])).toEqual(parseDemoOptions(['--printers', '6']));
    const parsed = parseDemoOptions(['--printers', '6', '--port', '4100', '--keep', '--agent-processes']);
    expect(parsed.ok && parsed.options).toMatchObject({ printers: 6, port: 4100, keep: true, agentProcesses: true });
  });

  it.each([
    [['--printers', '2'], '--printers'],
    [['--printers', '6.5'], '--printers'],
    [['--port', '70000'], '--port'],
    [['--time-scale', '0'], '--time-scale'],
    [['--fail-after', '-1'], '--fail-after'],
    [['--printers', '5'], '--printers'],
    [['--mix', '--printers', '5'], '--printers'],
    [['--octoprint-only', '--printers', '2'], '--printers'],
    [['--octoprint-only', '--mix'], '--octoprint-only'],
    [['--bogus'], 'bogus'],
  ])('refuses %j naming the option', (argv, name) => {
    const parsed = parseDemoOptions(argv);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toContain(name);
  });

  it('says that fewer than 6 printers need --octoprint-only', () => {
    const parsed = parseDemoOptions(['--printers', '4']);
    expect(parsed).toEqual({ ok: false, message: expect.stringContaining('at least 6 for the mixed farm') });
    expect(!parsed.ok && parsed.message).toContain('--octoprint-only');
    expect(parseDemoOptions(['--printers', '4', '--octoprint-only']).ok).toBe(true);
  });

  it('--help names the mixed default, --octoprint-only, and --mix as kept for older scripts', () => {
    const help = parseDemoOptions(['--help']);
    expect(help).toMatchObject({ ok: false, help: true });
    const text = !help.ok ? help.message : '';
    expect(text).toMatch(/virtual mixed farm: OctoPrint,\s+Moonraker \(Klipper\), Prusa Link and Bambu/);
    expect(text).toMatch(/--octoprint-only {2,}only OctoPrint printers/);
    expect(text).toMatch(/--mix {2,}accepted for older scripts and ignored/);
  });

  it('refuses to recreate a database whose name does not say demo (a real install stays out of reach)', () => {
    for (const database of ['farmhand', 'production', 'Farmhand_Demo', 'demo"; DROP', '']) {
      const parsed = parseDemoOptions(['--database', database]);
      expect(parsed.ok).toBe(false);
    }
    expect(parseDemoOptions(['--database', 'farmhand_demo_2']).ok).toBe(true);
  });
});

describe('demo farm', () => {
  it('spreads the printers over the three bays with their capabilities, and fails one of the auto-eject bay', () => {
    const printers = demoPrinters(24);
    expect(printers).toHaveLength(24);
    for (const bay of DEMO_BAYS) expect(printers.filter((printer) => printer.bay === bay)).toHaveLength(8);
    expect(new Set(printers.map((printer) => printer.name)).size).toBe(24);
    expect(printers.map((printer) => printer.index)).toEqual([...Array(24).keys()]);
    expect(designatedFailure(printers).bay.autoEject).toBe(true);
    const six = demoPrinters(6);
    expect(new Set(six.map((printer) => printer.bay.fleet)).size).toBe(3);
  });

  it('every farm size the options accept has three fleets, every kind when mixed, and an OctoPrint printer to fail', () => {
    for (let count = 3; count <= 300; count++) {
      const octoprint = demoPrinters(count);
      expect(new Set(octoprint.map((printer) => printer.bay)).size).toBe(3);
      expect(designatedFailure(octoprint)).toMatchObject({ kind: 'octoprint', material: 'PLA' });
      if (count < MIXED_MIN_PRINTERS) continue;
      const mixed = demoPrinters(count, { mix: true });
      expect([count, new Set(mixed.map((printer) => printer.kind)).size]).toEqual([count, 4]);
      expect(designatedFailure(mixed)).toMatchObject({ kind: 'octoprint', material: 'PLA', bay: DEMO_BAYS[2] });
    }
    // The default farm: 24 printers, 8 per fleet.
    const kinds = demoPrinters(24, { mix: true }).map((printer) => printer.kind);
    const count = (kind: string) => kinds.filter((candidate) => candidate === kind).length;
    expect([count('octoprint'), count('moonraker'), count('prusalink'), count('bambu')]).toEqual([8, 8, 4, 4]);
  });

  it('writes an enrollment CSV that the server parser accepts row for row', async () => {
    const printers = demoPrinters(24);
    const csv = enrollmentCsv(printers, (printer) => `http://127.0.0.1:5000/p/${printer.index}`);
    const result = await parseEnrollmentCsv(Readable.from([Buffer.from(csv)]));
    expect(result.fileErrors).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(result.rows).toHaveLength(24);
    expect(result.rows[0]).toMatchObject({ name: 'MK4-01', fleet: 'Prusa MK4 bay', material: 'PLA' });
  });

  it('queues every file on printers that have its material loaded, about two rounds each', () => {
    const printers = demoPrinters(24);
    for (const file of DEMO_FILES) {
      const loaded = printers.filter((printer) => printer.material === file.material).length;
      expect(loaded).toBeGreaterThan(0);
      expect(demoJobCopies(printers, file)).toBe(loaded * 2);
      const gcode = demoGcode(file);
      expect(gcode).toContain(`; filament_type = ${file.material}`);
      expect(gcode).toMatch(/; estimated printing time \(normal mode\) = \d+m \d+s/);
    }
  });

  it('a mixed farm has every kind, fails an OctoPrint printer, and enrolls the others through kind and address', async () => {
    const printers = demoPrinters(6, { mix: true });
    expect(new Set(printers.map((printer) => printer.kind))).toEqual(
      new Set(['octoprint', 'moonraker', 'prusalink', 'bambu']),
    );
    expect(designatedFailure(printers)).toMatchObject({ kind: 'octoprint', material: 'PLA' });
    for (const kind of ['octoprint', 'moonraker', 'prusalink', 'bambu']) {
      const ofKind = printers.filter((printer) => printer.kind === kind);
      expect(ofKind.map((printer) => printer.simIndex)).toEqual(ofKind.map((_, index) => index));
    }
    const bambu = printers.find((printer) => printer.kind === 'bambu')!;
    expect(bambu.serial).toMatch(/^01P00A/);
    const address = (printer: (typeof printers)[number]) =>
      printer.kind === 'bambu' ? '127.0.0.1' : `http://127.0.0.1:${printer.kind.length}000/p/${printer.simIndex}`;
    const parsed = await parseEnrollmentCsv(Readable.from([Buffer.from(enrollmentCsv(printers, address))]));
    expect(parsed.fileErrors).toEqual([]);
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toHaveLength(6);
    const secrets = demoLanSecrets(printers, 'lan-secret');
    expect(Object.keys(secrets.printers).sort()).toEqual(
      printers
        .filter((printer) => printer.kind !== 'octoprint')
        .map((printer) => printer.name)
        .sort(),
    );
    expect(secrets.printers[bambu.name]).toEqual({ accessCode: 'lan-secret' });
  });
});
