import type { PrinterLive } from '@farmhand/dashboard-messages';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { client, unwrap } from '../lib/api';
import { queryKeys } from '../lib/query-keys';
import { useOrg } from '../lib/session';
import {
  CHART_WINDOW_MS,
  SAMPLE_EVERY_MS,
  linePath,
  mergeHistory,
  recordSample,
  type TemperatureSample,
} from '../lib/temperature-history';

/** Kept per printer for the tab's life, so leaving the detail page and coming back keeps the last 30 minutes. */
const histories = new Map<string, TemperatureSample[]>();

/**
 * The printer's temperatures over the last 30 minutes: the server's history (kept in Redis by the api, so the chart
 * opens full) extended by the live updates this tab receives.
 */
export function useTemperatureHistory(printerId: string, live: PrinterLive): TemperatureSample[] {
  const { org } = useOrg();
  const server = useQuery({
    queryKey: queryKeys.org(org.id).printerTemperatures(printerId),
    queryFn: () =>
      unwrap(
        client.GET('/api/orgs/{orgId}/printers/{printerId}/temperatures', {
          params: { path: { orgId: org.id, printerId } },
        }),
      ),
    staleTime: Infinity,
  });
  const [history, setHistory] = useState<TemperatureSample[]>(() => histories.get(printerId) ?? []);
  const serverSamples = server.data?.samples;
  useEffect(() => {
    const update = () =>
      setHistory(() => {
        const now = Date.now();
        // Merging is idempotent: once the server's samples lead the tab's history, nothing more is added.
        const kept = histories.get(printerId) ?? [];
        const base = serverSamples ? mergeHistory(serverSamples, kept, now) : kept;
        const next = live.online ? recordSample(base, live, now) : base;
        histories.set(printerId, next);
        return next;
      });
    update();
    const timer = setInterval(update, SAMPLE_EVERY_MS);
    return () => clearInterval(timer);
  }, [printerId, live, serverSamples]);
  return history;
}

const MIN_WIDTH = 320;
const HEIGHT = 220;

/** The chart is drawn at its card's width (text stays its size), measured as the card resizes. */
function useChartWidth() {
  const ref = useRef<HTMLElement>(null);
  const [width, setWidth] = useState(640);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) =>
      setWidth(Math.max(MIN_WIDTH, Math.round(entry!.contentRect.width))),
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}
const PAD = { left: 40, right: 12, top: 12, bottom: 24 };

const SERIES = [
  { key: 'toolActual', label: 'Nozzle', className: 'line-tool' },
  { key: 'toolTarget', label: 'Nozzle target', className: 'line-tool line-target' },
  { key: 'bedActual', label: 'Bed', className: 'line-bed' },
  { key: 'bedTarget', label: 'Bed target', className: 'line-bed line-target' },
] as const;

/** Nozzle and bed, actual and target, drawn as plain SVG (no chart library in the bundle). */
export function TemperatureChart({ samples, now = Date.now() }: { samples: TemperatureSample[]; now?: number }) {
  const { ref, width: WIDTH } = useChartWidth();
  const values = samples.flatMap((sample) =>
    [sample.toolActual, sample.toolTarget, sample.bedActual, sample.bedTarget].filter(
      (value): value is number => value !== null,
    ),
  );
  const top = Math.max(50, Math.ceil((Math.max(0, ...values) + 10) / 50) * 50);
  const from = now - CHART_WINDOW_MS;
  const x = (at: number) => PAD.left + ((at - from) / CHART_WINDOW_MS) * (WIDTH - PAD.left - PAD.right);
  const y = (value: number) => PAD.top + (1 - value / top) * (HEIGHT - PAD.top - PAD.bottom);
  const ticks = [0, top / 2, top];
  const last = samples.at(-1);
  const summary = last
    ? `Nozzle ${last.toolActual ?? '—'}° (target ${last.toolTarget ?? '—'}°), bed ${last.bedActual ?? '—'}° (target ${last.bedTarget ?? '—'}°); ${samples.length} readings over the last 30 minutes`
    : 'No temperature readings yet';

  return (
    <figure className="temperature-chart" ref={ref}>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`Temperature chart. ${summary}`}>
        {ticks.map((tick) => (
          <g key={tick}>
            <line className="chart-grid" x1={PAD.left} x2={WIDTH - PAD.right} y1={y(tick)} y2={y(tick)} />
            <text className="chart-label" x={PAD.left - 6} y={y(tick) + 4} textAnchor="end">
              {tick}°
            </text>
          </g>
        ))}
        <text className="chart-label" x={PAD.left} y={HEIGHT - 6}>
          30 min ago
        </text>
        <text className="chart-label" x={WIDTH - PAD.right} y={HEIGHT - 6} textAnchor="end">
          now
        </text>
        {SERIES.map((series) => (
          <path key={series.key} className={`chart-line ${series.className}`} d={linePath(samples, series.key, x, y)} />
        ))}
      </svg>
      <figcaption className="chart-legend">
        {SERIES.map((series) => (
          <span key={series.key} className="legend-item">
            <svg width="22" height="8" aria-hidden="true">
              <line className={`chart-line ${series.className}`} x1="1" x2="21" y1="4" y2="4" />
            </svg>
            {series.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
