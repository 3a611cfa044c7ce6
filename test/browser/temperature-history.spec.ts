import {
  CHART_WINDOW_MS,
  SAMPLE_EVERY_MS,
  linePath,
  mergeHistory,
  recordSample,
  type TemperatureReading,
  type TemperatureSample,
} from '../../apps/web/src/lib/temperature-history';

const reading = (toolActual: number | null, bedActual: number | null = 60): TemperatureReading => ({
  toolActual,
  toolTarget: 215,
  bedActual,
  bedTarget: 60,
});

describe("the printer detail's temperature history", () => {
  it('records a change at once, a steady value every 5 s, and keeps 30 minutes', () => {
    let history: TemperatureSample[] = [];
    history = recordSample(history, reading(200), 0);
    history = recordSample(history, reading(200), 1_000);
    expect(history).toHaveLength(1);
    history = recordSample(history, reading(201), 2_000);
    expect(history.map((sample) => sample.at)).toEqual([0, 2_000]);
    history = recordSample(history, reading(201), 2_000 + SAMPLE_EVERY_MS);
    expect(history).toHaveLength(3);
    history = recordSample(history, reading(202), CHART_WINDOW_MS + 1_500);
    expect(history.map((sample) => sample.at)).toEqual([2_000, 2_000 + SAMPLE_EVERY_MS, CHART_WINDOW_MS + 1_500]);
  });

  it('draws each series as a path, breaking it where a reading is missing', () => {
    const samples = [0, 1, 2, 3].map((at, index) => ({ at, ...reading(index === 2 ? null : 200 + index) }));
    const path = linePath(
      samples,
      'toolActual',
      (at) => at * 10,
      (value) => 300 - value,
    );
    expect(path).toBe('M0.0,100.0L10.0,99.0M30.0,97.0');
    expect(
      linePath(
        samples,
        'bedTarget',
        (at) => at,
        (value) => value,
      ),
    ).toBe('M0.0,60.0L1.0,60.0L2.0,60.0L3.0,60.0');
  });
});

describe('the server history joined with the tab', () => {
  const at = (time: number, toolActual: number): TemperatureSample => ({ at: time, ...reading(toolActual) });

  it("takes the server's samples before the tab's first, then the tab's, within the window", () => {
    const now = CHART_WINDOW_MS + 100_000;
    const server = [at(50_000, 20), at(110_000, 100), at(120_000, 150), at(130_000, 190)];
    const local = [at(125_000, 180), at(135_000, 200)];
    expect(mergeHistory(server, local, now).map((sample) => sample.at)).toEqual([110_000, 120_000, 125_000, 135_000]);
    // Idempotent: merging again adds nothing.
    const once = mergeHistory(server, local, now);
    expect(mergeHistory(server, once, now)).toEqual(once);
    expect(mergeHistory(server, [], now).map((sample) => sample.at)).toEqual([110_000, 120_000, 130_000]);
  });
});
