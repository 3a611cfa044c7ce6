import { agentFileName } from './agent-file-name';

const PROTOCOL_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._ ()+-]*$/;

describe('agentFileName', () => {
  it.each([
    ['benchy_0.2mm_PLA_MK4_1h2m.gcode', 'benchy_0.2mm_PLA_MK4_1h2m.gcode'],
    ['Crème brûlée (v2).GCO', 'Creme brulee (v2).gcode'],
    ['..hidden..part..g', 'hidden.part.gcode'],
    ['部品.gcode', 'farmhand.gcode'],
    ['part. .gcode', 'part.gcode'],
    ['日本 part.gcode', 'part.gcode'],
    ['Benchy MK4S.BGCODE', 'Benchy MK4S.bgcode'],
    ['plate (P1S).gcode.3mf', 'plate (P1S).gcode.3mf'],
    ['project.3MF', 'project.3mf'],
  ])('%j -> %j', (input, expected) => {
    expect(agentFileName(input)).toBe(expected);
  });

  it('always satisfies the protocol (200 chars, no "..")', () => {
    for (const input of ['a'.repeat(300) + '.gcode', '....gcode', '---.gcode', ' .gcode', 'x/../y.gcode']) {
      const name = agentFileName(input);
      expect(name).toMatch(PROTOCOL_FILE_NAME);
      expect(name).not.toContain('..');
      expect(name.length).toBeLessThanOrEqual(200);
      expect(name).toMatch(/\.gcode$/);
    }
  });
});
