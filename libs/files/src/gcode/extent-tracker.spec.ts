import type { GcodeExtent } from './gcode-analysis';
import { analyzeGcode } from './gcode-analyzer';

/** Extent of a G-code program given as lines (through the real analyzer, so parsing is covered too). */
async function extentOf(...lines: string[]): Promise<GcodeExtent | null> {
  const analysis = await analyzeGcode([Buffer.from(lines.join('\n') + '\n')]);
  return analysis.metadata.extent;
}

function box(min: [number, number, number], max: [number, number, number]): GcodeExtent {
  return { min: { x: min[0], y: min[1], z: min[2] }, max: { x: max[0], y: max[1], z: max[2] } };
}

describe('extent of extruding moves', () => {
  it('counts moves where absolute E grows (M82) and ignores travels and retractions', async () => {
    const extent = await extentOf(
      'G28',
      'M82',
      'G1 X50 Y50 Z0.2 F9000',
      'G1 X60 Y50 E1',
      'G1 X60 Y200 E0.5', // E went down: a retracting move, not printing
      'G1 X300 Y300', // travel
      'G1 X65 Y52', // travel
      'G1 X70 Y55 E1.5',
    );

    expect(extent).toEqual(box([50, 50, 0.2], [70, 55, 0.2]));
  });

  it('counts moves where relative E is positive (M83)', async () => {
    const extent = await extentOf(
      'G28',
      'M83',
      'G1 X10 Y10 Z1',
      'G1 X20 E0.5',
      'G1 X200 E-0.5',
      'G1 X6 Y6',
      'G1 X5 Y5 E.1',
    );

    expect(extent).toEqual(box([5, 5, 1], [20, 10, 1]));
  });

  it('ignores extrusion without movement (prime, unretract)', async () => {
    const extent = await extentOf('G28', 'M83', 'G1 X10 Y10 Z5', 'G1 E10', 'G1 Z0.2', 'G1 X20 E1');

    expect(extent).toEqual(box([10, 10, 0.2], [20, 10, 0.2]));
  });

  it('takes G92 E0 resets into account in absolute mode', async () => {
    const extent = await extentOf(
      'G28',
      'M82',
      'G1 X10 Y10 Z0.2',
      'G1 X20 E30',
      'G92 E0',
      'G1 X30 E1', // E from 0 to 1: extruding, although 1 < 30
    );

    expect(extent).toEqual(box([10, 10, 0.2], [30, 10, 0.2]));
  });

  it('follows relative positioning (G91) and makes E relative while it lasts', async () => {
    const extent = await extentOf(
      'G28',
      'M82',
      'G1 X100 Y100 Z0.3',
      'G1 X110 E5',
      'G91',
      'G1 X5 Y5 E0.5', // relative E +0.5 while in G91, although 0.5 < 5
      'G1 Z10', // lift, travel
      'G90',
      'G1 X0 Y0 Z0.3', // travel back
      'G1 X1 E5.2', // absolute again: E 5.2 is below the 5.5 reached, a retraction
    );

    expect(extent).toEqual(box([100, 100, 0.3], [115, 105, 0.3]));
  });

  it('converts inches (G20) to millimetres', async () => {
    const extent = await extentOf('G28', 'G20', 'M83', 'G1 X1 Y1 Z0.01', 'G1 X2 E0.01');

    expect(extent).toEqual(box([25.4, 25.4, 0.254], [50.8, 25.4, 0.254]));
  });

  it('leaves out start points it cannot know, and is null when an axis is never known', async () => {
    expect(await extentOf('M83', 'G1 X10 Y10 E1')).toBeNull();
    // Z known from the first move on; the first segment's start (before any X/Y) is not counted.
    expect(await extentOf('M83', 'G1 X10 Y10 Z0.2 E1', 'G1 X20 E1')).toEqual(box([10, 10, 0.2], [20, 10, 0.2]));
  });

  it('homes only the named axes (G28 X) and treats G92 as setting the logical position', async () => {
    const extent = await extentOf('M83', 'G28 X Y', 'G92 Z0.2', 'G1 X5 Y5 E1');

    expect(extent).toEqual(box([0, 0, 0.2], [5, 5, 0.2]));
  });

  it('accepts words without spaces, lower case, line numbers and checksums', async () => {
    const extent = await extentOf('N1 G28*18', 'N2 m83*39', 'g1x10y10z0.2', 'N3 G1 X20 E1.5*87');

    expect(extent).toEqual(box([10, 10, 0.2], [20, 10, 0.2]));
  });

  describe('arcs', () => {
    it('adds the quadrant points a clockwise arc (G2) sweeps through', async () => {
      // From (20,10) around (25,10) clockwise to (30,10): over the top, through (25,15).
      const extent = await extentOf('G28', 'M83', 'G1 X20 Y10 Z0.2', 'G2 X30 Y10 I5 J0 E1');

      expect(extent).toEqual(box([20, 10, 0.2], [30, 15, 0.2]));
    });

    it('adds the quadrant points a counter-clockwise arc (G3) sweeps through', async () => {
      // Same end points, counter-clockwise: under the bottom, through (25,5).
      const extent = await extentOf('G28', 'M83', 'G1 X20 Y10 Z0.2', 'G3 X30 Y10 I5 J0 E1');

      expect(extent).toEqual(box([20, 5, 0.2], [30, 10, 0.2]));
    });

    it('treats an arc ending where it starts as a full circle', async () => {
      const extent = await extentOf('G28', 'M83', 'G1 X110 Y100 Z0.2', 'G2 X110 Y100 I-10 J0 E3');

      expect(extent).toEqual(box([90, 90, 0.2], [110, 110, 0.2]));
    });

    it('finds the centre of an R-form arc (positive R: the short way)', async () => {
      // (10,0) to (0,10), radius 10, counter-clockwise the short way: centre (0,0), a quarter with no extreme between.
      const short = await extentOf('G28', 'M83', 'G1 X10 Y0 Z1', 'G3 X0 Y10 R10 E1');
      // Negative R: the long way (270 degrees) around centre (10,10), through (20,10) and (10,20).
      const long = await extentOf('G28', 'M83', 'G1 X10 Y0 Z1', 'G3 X0 Y10 R-10 E1');

      expect(short).toEqual(box([0, 0, 1], [10, 10, 1]));
      expect(long).toEqual(box([0, 0, 1], [20, 20, 1]));
    });

    it('does not count arcs that do not extrude', async () => {
      const extent = await extentOf('G28', 'M83', 'G1 X0 Y0 Z1', 'G1 X1 E1', 'G2 X1 Y0 I-50 J0');

      expect(extent).toEqual(box([0, 0, 1], [1, 0, 1]));
    });
  });
});
