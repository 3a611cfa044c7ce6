/** Where the model saw the failure: a box in fractions of the whole frame, with the score of that tile. */
export interface AlertBox {
  x: number;
  y: number;
  w: number;
  h: number;
  score: number;
}

/** A scored tile, in fractions of the scored region (the region of interest, or the whole frame). */
export interface ScoredTile {
  x: number;
  y: number;
  w: number;
  h: number;
  score: number;
}

export const ALERT_BOXES = {
  /** A tile is drawn when its score is at or above this (the model's probability that it shows a failure). */
  minScore: 0.5,
  /** At most this many boxes per alert, hottest first. */
  max: 3,
} as const;

const clamp01 = (value: number) => Math.min(1, Math.max(0, value));
const round = (value: number) => Math.round(value * 10_000) / 10_000;

/**
 * The hottest tiles above the alert point, as boxes in the whole frame. A tile that covers the whole region is drawn
 * only when no smaller tile qualifies (it says "somewhere in view", which a smaller box says better); when nothing
 * qualifies, the hottest tile is the answer, since the frame's score is its score.
 */
export function alertBoxesFromTiles(
  tiles: readonly ScoredTile[] | undefined,
  region: { x: number; y: number; w: number; h: number } | undefined,
): AlertBox[] {
  const valid = (tiles ?? []).filter(
    (tile) => [tile.x, tile.y, tile.w, tile.h, tile.score].every(Number.isFinite) && tile.w > 0 && tile.h > 0,
  );
  if (valid.length === 0) return [];
  const hottest = [...valid].sort((a, b) => b.score - a.score);
  const isWhole = (tile: ScoredTile) => tile.w >= 0.999 && tile.h >= 0.999;
  const above = hottest.filter((tile) => tile.score >= ALERT_BOXES.minScore);
  const parts = above.filter((tile) => !isWhole(tile));
  const chosen = (parts.length > 0 ? parts : above.length > 0 ? above : hottest).slice(0, ALERT_BOXES.max);
  const area = region ?? { x: 0, y: 0, w: 1, h: 1 };
  return chosen.map((tile) => {
    const x = clamp01(area.x + tile.x * area.w);
    const y = clamp01(area.y + tile.y * area.h);
    return {
      x: round(x),
      y: round(y),
      w: round(Math.min(1 - x, tile.w * area.w)),
      h: round(Math.min(1 - y, tile.h * area.h)),
      score: round(clamp01(tile.score)),
    };
  });
}
