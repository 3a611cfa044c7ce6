import type { GcodeExtent } from './gcode-analysis';

const TWO_PI = Math.PI * 2;
/** E must grow by more than this (mm of filament) for a move to count as extruding. */
const EXTRUSION_EPSILON = 1e-6;
/** Arcs with a larger radius are measured by their end points only (a broken R word, not a real arc). */
const MAX_ARC_RADIUS = 100_000;

/**
 * Follows the tool position through G0/G1/G2/G3 and keeps the box of the extruding moves.
 *
 * The rules, kept simple on purpose:
 * - a move extrudes when E grows (absolute: E above the last E; relative: E > 0) and X, Y or Z changes.
 *   Pure E moves (retract, unretract, prime in place) and travels do not count; purge lines, skirts and
 *   wipe towers do, since they are printed on the bed too.
 * - G90/G91 switch X/Y/Z between absolute and relative; G91 also makes E relative until G90, and M82/M83 set
 *   E's own mode (Marlin resets E on G90, Klipper does not; slicers emit M82/M83 after G90, so both agree).
 * - G92 sets the logical position, G28 homes the named axes (or all) to 0, G20/G21 switch inches/millimetres.
 * - the position of an axis is unknown until a G28, a G92 or an absolute move sets it; unknown start points
 *   are left out, and if an axis never becomes known the extent is null.
 * - arcs (G2/G3, I/J or R form) add their end points and the quadrant points they sweep through.
 */
export class ExtentTracker {
  private x = 0;
  private y = 0;
  private z = 0;
  private e = 0;
  private knownX = false;
  private knownY = false;
  private knownZ = false;
  private absolute = true;
  private relativeE = false;
  private relativeAll = false;
  private scale = 1;

  private minX = Infinity;
  private minY = Infinity;
  private minZ = Infinity;
  private maxX = -Infinity;
  private maxY = -Infinity;
  private maxZ = -Infinity;

  /** G90 (true) / G91 (false). */
  setAbsolutePositioning(absolute: boolean): void {
    this.absolute = absolute;
    this.relativeAll = !absolute;
  }

  /** M83 (true) / M82 (false). */
  setRelativeExtrusion(relative: boolean): void {
    this.relativeE = relative;
  }

  /** G20 (inches) / G21 (millimetres). */
  setInches(inches: boolean): void {
    this.scale = inches ? 25.4 : 1;
  }

  /** G92: NaN for an axis that is not named. With no axis named at all, every axis is set to 0. */
  setPosition(x: number, y: number, z: number, e: number): void {
    if (Number.isNaN(x) && Number.isNaN(y) && Number.isNaN(z) && Number.isNaN(e)) {
      x = y = z = e = 0;
    }
    if (!Number.isNaN(x)) {
      this.x = x * this.scale;
      this.knownX = true;
    }
    if (!Number.isNaN(y)) {
      this.y = y * this.scale;
      this.knownY = true;
    }
    if (!Number.isNaN(z)) {
      this.z = z * this.scale;
      this.knownZ = true;
    }
    if (!Number.isNaN(e)) this.e = e * this.scale;
  }

  /** G28: homes the named axes, or all of them when none is named. */
  home(x: boolean, y: boolean, z: boolean): void {
    const all = !x && !y && !z;
    if (all || x) {
      this.x = 0;
      this.knownX = true;
    }
    if (all || y) {
      this.y = 0;
      this.knownY = true;
    }
    if (all || z) {
      this.z = 0;
      this.knownZ = true;
    }
  }

  /** G0/G1. Absent words are NaN. */
  linear(x: number, y: number, z: number, e: number): void {
    const fromX = this.x;
    const fromY = this.y;
    const fromZ = this.z;
    const fromKnownX = this.knownX;
    const fromKnownY = this.knownY;
    const fromKnownZ = this.knownZ;
    const extruding = this.advance(x, y, z, e);
    if (!extruding) return;
    if (fromX === this.x && fromY === this.y && fromZ === this.z) return;
    if (fromKnownX && fromKnownY && fromKnownZ) this.include(fromX, fromY, fromZ);
    this.includeCurrent();
  }

  /** G2 (clockwise) / G3. I and J are offsets of the centre from the start point; R is the radius form. */
  arc(clockwise: boolean, x: number, y: number, z: number, e: number, i: number, j: number, r: number): void {
    const fromX = this.x;
    const fromY = this.y;
    const fromZ = this.z;
    const fromKnown = this.knownX && this.knownY && this.knownZ;
    const extruding = this.advance(x, y, z, e);
    if (!extruding) return;
    if (fromKnown) this.include(fromX, fromY, fromZ);
    this.includeCurrent();
    if (!fromKnown || !this.knownX || !this.knownY) return;

    let centreX: number;
    let centreY: number;
    if (!Number.isNaN(i) || !Number.isNaN(j)) {
      centreX = fromX + (Number.isNaN(i) ? 0 : i * this.scale);
      centreY = fromY + (Number.isNaN(j) ? 0 : j * this.scale);
    } else if (!Number.isNaN(r)) {
      const centre = centreFromRadius(fromX, fromY, this.x, this.y, r * this.scale, clockwise);
      if (!centre) return;
      centreX = centre[0];
      centreY = centre[1];
    } else {
      return;
    }
    const radius = Math.hypot(fromX - centreX, fromY - centreY);
    if (!(radius > 0) || radius > MAX_ARC_RADIUS) return;

    const startAngle = Math.atan2(fromY - centreY, fromX - centreX);
    const endAngle = Math.atan2(this.y - centreY, this.x - centreX);
    let sweep = clockwise ? startAngle - endAngle : endAngle - startAngle;
    sweep = ((sweep % TWO_PI) + TWO_PI) % TWO_PI;
    if (sweep < 1e-9) sweep = TWO_PI; // same start and end point: a full circle
    const lowZ = Math.min(fromZ, this.z);
    for (let quadrant = 0; quadrant < 4; quadrant++) {
      const angle = (quadrant * Math.PI) / 2;
      let offset = clockwise ? startAngle - angle : angle - startAngle;
      offset = ((offset % TWO_PI) + TWO_PI) % TWO_PI;
      if (offset <= sweep) {
        this.include(centreX + radius * Math.cos(angle), centreY + radius * Math.sin(angle), lowZ);
      }
    }
  }

  extent(): GcodeExtent | null {
    if (this.minX === Infinity || this.minY === Infinity || this.minZ === Infinity) return null;
    return {
      min: { x: round(this.minX), y: round(this.minY), z: round(this.minZ) },
      max: { x: round(this.maxX), y: round(this.maxY), z: round(this.maxZ) },
    };
  }

  /** Moves to the target; returns whether E grew. */
  private advance(x: number, y: number, z: number, e: number): boolean {
    const scale = this.scale;
    if (this.absolute) {
      if (!Number.isNaN(x)) {
        this.x = x * scale;
        this.knownX = true;
      }
      if (!Number.isNaN(y)) {
        this.y = y * scale;
        this.knownY = true;
      }
      if (!Number.isNaN(z)) {
        this.z = z * scale;
        this.knownZ = true;
      }
    } else {
      if (!Number.isNaN(x)) this.x += x * scale;
      if (!Number.isNaN(y)) this.y += y * scale;
      if (!Number.isNaN(z)) this.z += z * scale;
    }
    if (Number.isNaN(e)) return false;
    let delta: number;
    if (this.relativeE || this.relativeAll) {
      delta = e * scale;
      this.e += delta;
    } else {
      delta = e * scale - this.e;
      this.e = e * scale;
    }
    return delta > EXTRUSION_EPSILON;
  }

  private includeCurrent(): void {
    if (this.knownX && this.knownY && this.knownZ) this.include(this.x, this.y, this.z);
  }

  private include(x: number, y: number, z: number): void {
    if (x < this.minX) this.minX = x;
    if (x > this.maxX) this.maxX = x;
    if (y < this.minY) this.minY = y;
    if (y > this.maxY) this.maxY = y;
    if (z < this.minZ) this.minZ = z;
    if (z > this.maxZ) this.maxZ = z;
  }
}

/** Centre of an R-form arc: a positive R takes the shorter arc, a negative one the longer. */
function centreFromRadius(
  fromX: number,
  fromY: number,
  toX: number,
  toY: number,
  radius: number,
  clockwise: boolean,
): [number, number] | null {
  const dx = toX - fromX;
  const dy = toY - fromY;
  const chord = Math.hypot(dx, dy);
  const absRadius = Math.abs(radius);
  if (chord === 0 || absRadius * 2 < chord - 1e-6) return null;
  const height = Math.sqrt(Math.max(0, absRadius * absRadius - (chord * chord) / 4));
  // Unit normal to the left of the chord: the centre side of a short counter-clockwise arc.
  const normalX = -dy / chord;
  const normalY = dx / chord;
  const side = (clockwise ? -1 : 1) * (radius < 0 ? -1 : 1);
  return [(fromX + toX) / 2 + side * normalX * height, (fromY + toY) / 2 + side * normalY * height];
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
