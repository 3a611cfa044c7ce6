/**
 * The temperature history of one printer as the detail page keeps it in the tab (pure: no DOM, no React), drawn by
 * components/temperature-chart.tsx.
 */
export type TemperatureReading = {
  toolActual: number | null;
  toolTarget: number | null;
  bedActual: number | null;
  bedTarget: number | null;
};

export interface TemperatureSample extends TemperatureReading {
  at: number;
}

export const CHART_WINDOW_MS = 30 * 60_000;
/** A flat temperature still gets a point this often, so the line reaches "now". */
export const SAMPLE_EVERY_MS = 5_000;

function sampleOf(live: TemperatureReading, at: number): TemperatureSample {
  return {
    at,
    toolActual: live.toolActual,
    toolTarget: live.toolTarget,
    bedActual: live.bedActual,
    bedTarget: live.bedTarget,
  };
}

/** Appends to `history` a sample of `live` (when it changed, or when the last one is older than 5 s); trims to 30 min. */
export function recordSample(history: TemperatureSample[], live: TemperatureReading, now: number): TemperatureSample[] {
  const last = history.at(-1);
  const next = sampleOf(live, now);
  const same =
    last &&
    last.toolActual === next.toolActual &&
    last.toolTarget === next.toolTarget &&
    last.bedActual === next.bedActual &&
    last.bedTarget === next.bedTarget;
  if (same && now - last.at < SAMPLE_EVERY_MS) return history;
  const kept = history.filter((sample) => sample.at >= now - CHART_WINDOW_MS);
  kept.push(next);
  return kept;
}

/**
 * The server's history (every reading its agent sent, sampled) joined with what this tab recorded: the server's
 * samples before the tab's first one, then the tab's; trimmed to the window.
 */
export function mergeHistory(
  server: TemperatureSample[],
  local: TemperatureSample[],
  now: number,
): TemperatureSample[] {
  const firstLocal = local[0]?.at ?? Infinity;
  return [...server.filter((sample) => sample.at < firstLocal), ...local].filter(
    (sample) => sample.at >= now - CHART_WINDOW_MS,
  );
}

export type SeriesKey = keyof TemperatureReading;

/** Path data for one series; a null value breaks the line (no invented values across a gap). */
export function linePath(
  samples: TemperatureSample[],
  key: SeriesKey,
  x: (at: number) => number,
  y: (value: number) => number,
): string {
  let path = '';
  let drawing = false;
  for (const sample of samples) {
    const value = sample[key];
    if (value === null) {
      drawing = false;
      continue;
    }
    path += `${drawing ? 'L' : 'M'}${x(sample.at).toFixed(1)},${y(value).toFixed(1)}`;
    drawing = true;
  }
  return path;
}
