import { useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { Button } from '../../components/ui';
import { useLatestFrame } from '../../lib/snapshot';
import { useOrg } from '../../lib/session';
import type { Printer, RegionOfInterest } from '../../lib/api/views';

/** The API's smallest region side (a fraction of the frame). */
export const MIN_SIDE = 0.05;
const STEP = 0.01;
const BIG_STEP = 0.1;

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));
const round = (value: number) => Math.round(value * 1000) / 1000;
const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;

/** A region inside the frame, at least MIN_SIDE on each side, rounded to 0.001. */
export function normalizeRegion(region: RegionOfInterest): RegionOfInterest {
  const width = clamp(region.width, MIN_SIDE, 1);
  const height = clamp(region.height, MIN_SIDE, 1);
  return {
    x: round(clamp(region.x, 0, 1 - width)),
    y: round(clamp(region.y, 0, 1 - height)),
    width: round(width),
    height: round(height),
  };
}

/** The rectangle between two points of a drag (fractions of the frame). */
export function regionBetween(a: { x: number; y: number }, b: { x: number; y: number }): RegionOfInterest {
  const x = clamp(Math.min(a.x, b.x), 0, 1);
  const y = clamp(Math.min(a.y, b.y), 0, 1);
  return normalizeRegion({ x, y, width: Math.abs(a.x - b.x), height: Math.abs(a.y - b.y) });
}

/** Arrow keys move the region; with Shift they resize it (Alt: ten times the step). Null when the key is not ours. */
export function regionAfterKey(
  region: RegionOfInterest,
  key: string,
  modifiers: { shift: boolean; alt: boolean },
): RegionOfInterest | null {
  const step = modifiers.alt ? BIG_STEP : STEP;
  const delta: Record<string, [number, number]> = {
    ArrowLeft: [-step, 0],
    ArrowRight: [step, 0],
    ArrowUp: [0, -step],
    ArrowDown: [0, step],
  };
  const move = delta[key];
  if (!move) return null;
  if (modifiers.shift) {
    return normalizeRegion({ ...region, width: region.width + move[0], height: region.height + move[1] });
  }
  return normalizeRegion({ ...region, x: region.x + move[0], y: region.y + move[1] });
}

export function describeRegion(region: RegionOfInterest | null): string {
  if (!region) return 'the whole frame';
  return `left ${percent(region.x)}, top ${percent(region.y)}, width ${percent(region.width)}, height ${percent(region.height)}`;
}

/**
 * The region of interest drawn over the printer's latest snapshot: drag a rectangle, or focus the picture and use the
 * arrow keys (Shift: resize). Beside it, what the detector sees: the region stretched to the model's square input.
 */
export function RegionOfInterestEditor({
  printer,
  value,
  onChange,
  disabled,
}: {
  printer: Printer;
  value: RegionOfInterest | null;
  onChange: (value: RegionOfInterest | null) => void;
  disabled: boolean;
}) {
  const { org } = useOrg();
  const frame = useLatestFrame(org.id, printer.id, null, true);
  const area = useRef<HTMLDivElement>(null);
  const [dragFrom, setDragFrom] = useState<{ x: number; y: number } | null>(null);
  const hintId = `roi-hint-${printer.id}`;

  const pointAt = (event: PointerEvent<HTMLDivElement>) => {
    const rect = area.current!.getBoundingClientRect();
    return {
      x: clamp((event.clientX - rect.left) / rect.width, 0, 1),
      y: clamp((event.clientY - rect.top) / rect.height, 0, 1),
    };
  };
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (disabled || event.button !== 0) return;
    event.preventDefault();
    area.current!.setPointerCapture(event.pointerId);
    area.current!.focus();
    setDragFrom(pointAt(event));
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (dragFrom) onChange(regionBetween(dragFrom, pointAt(event)));
  };
  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    if (!dragFrom) return;
    onChange(regionBetween(dragFrom, pointAt(event)));
    setDragFrom(null);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (disabled) return;
    if (event.key === 'Escape' || event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      onChange(null);
      return;
    }
    const next = regionAfterKey(value ?? { x: 0, y: 0, width: 1, height: 1 }, event.key, {
      shift: event.shiftKey,
      alt: event.altKey,
    });
    if (!next) return;
    event.preventDefault();
    onChange(next);
  };

  const box = value ?? { x: 0, y: 0, width: 1, height: 1 };
  return (
    <fieldset className="fieldset">
      <legend>Region of interest</legend>
      <p className="field-hint" id={hintId}>
        Drag a rectangle over the bed on the latest snapshot. With the keyboard: focus the picture, arrow keys move the
        region, Shift and the arrow keys resize it (Alt for larger steps), Delete uses the whole frame.
      </p>
      <div className="roi-editor">
        {/* A drawing surface with its own keyboard model (arrows move, Shift+arrows resize), described to assistive
            technology as an application; jsx-a11y does not count that role as interactive. */}
        {/* eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions */}
        <div
          ref={area}
          className={`roi-area${disabled ? ' roi-area-disabled' : ''}`}
          role="application"
          aria-roledescription="region editor"
          tabIndex={disabled ? -1 : 0}
          aria-label={`Region of interest on the latest snapshot: ${describeRegion(value)}`}
          aria-describedby={hintId}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={() => setDragFrom(null)}
          onKeyDown={onKeyDown}
        >
          {frame ? (
            <img src={frame.url} alt="" draggable={false} />
          ) : (
            <span className="muted roi-empty">
              No snapshot yet: the region can still be drawn on the frame's outline
            </span>
          )}
          {value && (
            <span
              className="roi-box"
              data-testid="roi-box"
              style={{
                left: percent(value.x),
                top: percent(value.y),
                width: percent(value.width),
                height: percent(value.height),
              }}
            />
          )}
        </div>
        <figure className="roi-preview">
          <div className="roi-preview-window" data-testid="roi-preview">
            {frame && (
              <img
                src={frame.url}
                alt={`What the detector sees of ${printer.name}: ${describeRegion(value)}, stretched to its square input`}
                style={{
                  width: `${100 / box.width}%`,
                  height: `${100 / box.height}%`,
                  left: `${(-box.x / box.width) * 100}%`,
                  top: `${(-box.y / box.height) * 100}%`,
                }}
              />
            )}
          </div>
          <figcaption className="muted small">What the detector sees</figcaption>
        </figure>
      </div>
      <p className="small" aria-live="polite">
        Scored: {describeRegion(value)}
      </p>
      {!disabled && value && (
        <Button type="button" onClick={() => onChange(null)}>
          Use the whole frame
        </Button>
      )}
    </fieldset>
  );
}
