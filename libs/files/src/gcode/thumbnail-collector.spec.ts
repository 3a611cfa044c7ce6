import { jpegStub, solidPng, solidQoi } from '../../../../test/fixtures/gcode/images';
import { jpegThumbnailLines, thumbnailBlock } from '../../../../test/fixtures/gcode/slicer-samples';
import type { GcodeAnalysis } from './gcode-analysis';
import { analyzeGcode, type GcodeAnalyzerOptions } from './gcode-analyzer';

function analyzeLines(lines: string[], options?: GcodeAnalyzerOptions): Promise<GcodeAnalysis> {
  return analyzeGcode([Buffer.from(['G28', ...lines, 'G1 X1 Y1 Z1', ''].join('\n'))], options);
}

describe('embedded thumbnails', () => {
  it('extracts PNG, JPG and QOI blocks with their bytes intact', async () => {
    const png = solidPng(20, 10);
    const qoi = solidQoi(8, 4);

    const { thumbnails } = await analyzeLines([
      ...thumbnailBlock('PNG', 20, 10, png),
      ...jpegThumbnailLines(),
      ...thumbnailBlock('QOI', 8, 4, qoi),
    ]);

    expect(thumbnails).toEqual([
      { format: 'png', width: 20, height: 10, data: png },
      { format: 'jpg', width: 48, height: 32, data: jpegStub() },
      { format: 'qoi', width: 8, height: 4, data: qoi },
    ]);
  });

  it('takes the size from the image header when the begin line says otherwise', async () => {
    const { thumbnails } = await analyzeLines(thumbnailBlock('PNG', 300, 300, solidPng(16, 12)));

    expect(thumbnails[0]).toMatchObject({ width: 16, height: 12 });
  });

  it('reads the old PrusaSlicer begin line with the size as two numbers', async () => {
    const png = solidPng(4, 4);
    const base64 = png.toString('base64');

    const { thumbnails } = await analyzeLines([
      `; thumbnail begin 4 4 ${base64.length}`,
      `; ${base64}`,
      '; thumbnail end',
    ]);

    expect(thumbnails).toEqual([{ format: 'png', width: 4, height: 4, data: png }]);
  });

  it('drops a block whose bytes are not the announced format', async () => {
    const { thumbnails } = await analyzeLines(thumbnailBlock('PNG', 8, 8, solidQoi(8, 8)));

    expect(thumbnails).toEqual([]);
  });

  it('drops a block with invalid base64, and one cut short by a command', async () => {
    const broken = ['; thumbnail begin 8x8 12', '; not*base64!', '; thumbnail end'];
    const [begin, firstRow] = thumbnailBlock('PNG', 8, 8, solidPng(8, 8));
    const interrupted = [begin, firstRow, 'G1 X5 Y5', '; thumbnail end'];

    const { thumbnails } = await analyzeLines([
      ...broken,
      ...interrupted,
      ...thumbnailBlock('QOI', 2, 2, solidQoi(2, 2)),
    ]);

    expect(thumbnails.map((thumbnail) => thumbnail.format)).toEqual(['qoi']);
  });

  it('skips blocks past the total size cap and keeps the ones that fit', async () => {
    const large = solidPng(64, 64, [1, 2, 3]);
    const small = solidQoi(4, 4);
    const maxTotalBytes = large.length + small.length;

    const { thumbnails } = await analyzeLines(
      [
        ...thumbnailBlock('PNG', 64, 64, large),
        ...thumbnailBlock('PNG', 64, 64, large), // would pass the cap: skipped
        ...thumbnailBlock('QOI', 4, 4, small),
      ],
      { thumbnails: { maxTotalBytes } },
    );

    expect(thumbnails.map((thumbnail) => thumbnail.data.length)).toEqual([large.length, small.length]);
  });

  it('keeps at most maxCount thumbnails', async () => {
    const block = thumbnailBlock('QOI', 2, 2, solidQoi(2, 2));

    const { thumbnails } = await analyzeLines([...block, ...block, ...block], { thumbnails: { maxCount: 2 } });

    expect(thumbnails).toHaveLength(2);
  });

  it('does not let a huge block grow memory: its data is dropped once past the cap', async () => {
    const rows = Array.from({ length: 20_000 }, () => `; ${'A'.repeat(78)}`);

    const { thumbnails } = await analyzeLines(['; thumbnail begin 2000x2000 1560000', ...rows, '; thumbnail end'], {
      thumbnails: { maxTotalBytes: 64 * 1024 },
    });

    expect(thumbnails).toEqual([]);
  });
});
