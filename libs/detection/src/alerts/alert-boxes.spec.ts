import { alertBoxesFromTiles } from './alert-boxes';

const whole = { x: 0, y: 0, w: 1, h: 1 };

describe('alert boxes from tile scores', () => {
  it('draws the hottest tiles above the alert point, hottest first, at most three, without the whole-frame tile', () => {
    const tiles = [
      { ...whole, score: 0.97 },
      { x: 0, y: 0, w: 0.5, h: 0.5, score: 0.2 },
      { x: 0.25, y: 0.25, w: 0.5, h: 0.5, score: 0.9 },
      { x: 0.5, y: 0.5, w: 0.5, h: 0.5, score: 0.95 },
      { x: 0.5, y: 0, w: 0.5, h: 0.5, score: 0.6 },
      { x: 0, y: 0.5, w: 0.5, h: 0.5, score: 0.55 },
    ];
    expect(alertBoxesFromTiles(tiles, undefined)).toEqual([
      { x: 0.5, y: 0.5, w: 0.5, h: 0.5, score: 0.95 },
      { x: 0.25, y: 0.25, w: 0.5, h: 0.5, score: 0.9 },
      { x: 0.5, y: 0, w: 0.5, h: 0.5, score: 0.6 },
    ]);
  });

  it('maps tiles of the region of interest into the whole frame', () => {
    const boxes = alertBoxesFromTiles([{ x: 0.5, y: 0, w: 0.5, h: 0.5, score: 0.8 }], {
      x: 0.2,
      y: 0.4,
      w: 0.6,
      h: 0.5,
    });
    expect(boxes).toEqual([{ x: 0.5, y: 0.4, w: 0.3, h: 0.25, score: 0.8 }]);
  });

  it('falls back to the whole region when it is the only tile (a model without tiles), whatever its score', () => {
    expect(alertBoxesFromTiles([{ ...whole, score: 0.3 }], { x: 0.1, y: 0.1, w: 0.5, h: 0.5 })).toEqual([
      { x: 0.1, y: 0.1, w: 0.5, h: 0.5, score: 0.3 },
    ]);
  });

  it('ignores tiles that are not boxes and answers nothing without tiles', () => {
    expect(alertBoxesFromTiles(undefined, undefined)).toEqual([]);
    expect(
      alertBoxesFromTiles(
        [
          { x: Number.NaN, y: 0, w: 1, h: 1, score: 1 },
          { x: 0, y: 0, w: 0, h: 1, score: 1 },
        ],
        undefined,
      ),
    ).toEqual([]);
  });
});
