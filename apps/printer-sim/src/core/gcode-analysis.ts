/** What the simulator needs to know about an uploaded G-code file to pretend to print it. */
export interface GcodeAnalysis {
  /** Simulated print duration in seconds (before time scaling). */
  estimatedPrintTime: number;
  layerCount: number;
  toolTarget: number | null;
  bedTarget: number | null;
  /** Which hint produced the estimate, for the file listing. */
  source: 'slicer' | 'line-count';
}

const SECONDS_PER_MOVE = 0.05;
const MIN_PRINT_SECONDS = 10;
const DEFAULT_LAYERS = 100;

/** Reads slicer comments (Cura `;TIME:`, PrusaSlicer/Orca `estimated printing time`, Simplify3D `Build time`). */
export function analyzeGcode(text: string): GcodeAnalysis {
  let estimated: number | null = null;
  let layerCount: number | null = null;
  let layerChanges = 0;
  let moves = 0;
  let toolTarget: number | null = null;
  let bedTarget: number | null = null;

  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line.length === 0) continue;
    if (line.startsWith(';')) {
      estimated ??= parseTimeComment(line);
      const layers = /^;\s*(?:LAYER_COUNT:|total layers? count\s*=\s*)(\d+)/i.exec(line);
      if (layers) layerCount ??= Number(layers[1]);
      if (/^;\s*LAYER_CHANGE\b/.test(line) || /^;LAYER:\d+/.test(line)) layerChanges += 1;
      continue;
    }
    moves += 1;
    const heat = /^M(104|109|140|190)\b.*?\bS(\d+(?:\.\d+)?)/i.exec(line);
    if (heat) {
      const value = Number(heat[2]);
      if (heat[1] === '104' || heat[1] === '109') toolTarget ??= value > 0 ? value : null;
      else bedTarget ??= value > 0 ? value : null;
    }
  }

  const fromSlicer = estimated !== null && estimated > 0;
  return {
    estimatedPrintTime: Math.max(MIN_PRINT_SECONDS, fromSlicer ? estimated! : Math.round(moves * SECONDS_PER_MOVE)),
    layerCount: layerCount ?? (layerChanges > 0 ? layerChanges : DEFAULT_LAYERS),
    toolTarget,
    bedTarget,
    source: fromSlicer ? 'slicer' : 'line-count',
  };
}

function parseTimeComment(line: string): number | null {
  const cura = /^;TIME:(\d+(?:\.\d+)?)/.exec(line);
  if (cura) return Math.round(Number(cura[1]));
  const prusa = /^;\s*(?:estimated printing time(?: \(normal mode\))?|total estimated time)\s*[=:]\s*(.+)$/i.exec(line);
  if (prusa) return parseDuration(prusa[1]);
  const simplify = /^;\s*Build time:\s*(.+)$/i.exec(line);
  if (simplify) return parseDuration(simplify[1]);
  return null;
}

/** "1d 2h 3m 4s", "1 hours 2 minutes", "2h 5m". */
export function parseDuration(text: string): number | null {
  const units: Record<string, number> = { d: 86_400, h: 3_600, m: 60, s: 1 };
  let total = 0;
  let matched = false;
  for (const match of text.matchAll(/(\d+(?:\.\d+)?)\s*(d|h|m|s)[a-z]*/gi)) {
    total += Number(match[1]) * units[match[2].toLowerCase()];
    matched = true;
  }
  return matched ? Math.round(total) : null;
}
