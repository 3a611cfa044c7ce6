import { GcodePolicy } from './gcode-policy';

describe('GcodePolicy', () => {
  const policy = new GcodePolicy();

  it.each([
    ['EEPROM writes', ['M500']],
    ['factory reset with a line number and checksum', ['N12 M502*33']],
    ['firmware update in lowercase with leading zeros', ['m0997']],
    ['a restart after a firmware halt', ['M999']],
    ['a blocked code hidden after another on the same line', ['G1 X10 M500']],
    ['cold extrusion', ['M302 P1']],
    ['an SD file write', ['M28 evil.gcode']],
    ['a hotend target above the limit', ['M104 S400']],
    ['a hotend target without a space', ['M104S400']],
    ['a bed wait target above the limit', ['M190 R150']],
    ['a second heater command on the same line', ['G1 X1 M109 S900']],
    ['simulator debug commands', ['!!DEBUG:action_disconnect']],
  ])('blocks %s', (_label, lines) => {
    expect(policy.checkLines(lines)).toMatchObject({ ok: false });
  });

  it.each([
    ['homing and moves', ['G28', 'G1 X10 Y10 F3000']],
    ['fans and sane temperatures', ['M106 S255', 'M104 S215', 'M140 S60', 'M109 T0 S220']],
    ['emergency stop', ['M112']],
    ['a blocked code inside a comment', ['G28 ; do not M500 here']],
  ])('allows %s', (_label, lines) => {
    expect(policy.checkLines(lines)).toEqual({ ok: true });
  });

  it('uses a configured blocklist and limits instead of the defaults', () => {
    const custom = new GcodePolicy({ blocklist: ['m106', 'G29'], maxToolTemperature: 250, maxBedTemperature: 90 });
    expect(custom.checkLines(['M500'])).toEqual({ ok: true });
    expect(custom.checkLines(['M106 S255'])).toMatchObject({ ok: false, reason: expect.stringContaining('M106') });
    expect(custom.checkTemperature('tool0', 251)).toMatchObject({ ok: false });
    expect(custom.checkTemperature('bed', 90)).toEqual({ ok: true });
  });
});
