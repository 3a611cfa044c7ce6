import { analyzeGcode, parseDuration } from './gcode-analysis';

describe('analyzeGcode', () => {
  it('reads Cura time, layer count and the first heater targets', () => {
    const result = analyzeGcode(
      ';FLAVOR:Marlin\n;TIME:5025\n;LAYER_COUNT:250\nM140 S60\nM104 S210\nM109 S215\nG1 X1\n',
    );
    expect(result).toEqual({
      estimatedPrintTime: 5025,
      layerCount: 250,
      toolTarget: 210,
      bedTarget: 60,
      source: 'slicer',
    });
  });

  it('reads PrusaSlicer durations and counts layer changes', () => {
    const text = '; estimated printing time (normal mode) = 1h 2m 3s\n;LAYER_CHANGE\nG1 Z0.2\n;LAYER_CHANGE\nG1 Z0.4\n';
    expect(analyzeGcode(text)).toMatchObject({ estimatedPrintTime: 3723, layerCount: 2, source: 'slicer' });
  });

  it('reads Simplify3D build time', () => {
    expect(analyzeGcode(';   Build time: 2 hours 5 minutes\nG1 X1\n').estimatedPrintTime).toBe(7500);
  });

  it('falls back to the number of moves when the slicer left no estimate', () => {
    const moves = Array.from({ length: 4000 }, (_, i) => `G1 X${i % 200} Y${i % 150}`).join('\n');
    expect(analyzeGcode(moves)).toMatchObject({ estimatedPrintTime: 200, source: 'line-count', layerCount: 100 });
    expect(analyzeGcode('').estimatedPrintTime).toBe(10);
  });

  it('parses durations in the usual spellings', () => {
    expect(parseDuration('1d 2h 3m 4s')).toBe(93_784);
    expect(parseDuration('45 minutes')).toBe(2_700);
    expect(parseDuration('soon')).toBeNull();
  });
});
