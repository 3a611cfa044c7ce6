import { regionOf } from './frame-inference.jobs';

describe('printer region of interest -> preprocessor region', () => {
  it('uses the whole frame when the printer has none', () => {
    expect(regionOf(null)).toBeUndefined();
  });

  it('maps width/height to w/h', () => {
    expect(regionOf({ x: 0.1, y: 0.2, width: 0.5, height: 0.6 })).toEqual({ x: 0.1, y: 0.2, w: 0.5, h: 0.6 });
  });

  it('clips a region that runs past the frame instead of rejecting every frame of the printer', () => {
    const region = regionOf({ x: 0.7, y: 0.5, width: 0.5, height: 0.9 })!;
    expect(region.x + region.w).toBeCloseTo(1, 12);
    expect(region.y + region.h).toBeCloseTo(1, 12);
  });
});
