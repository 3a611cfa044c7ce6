import sharp from 'sharp';
import { SeededRandom } from './seeded-random';

/**
 * Procedural webcam frames of a printer bed, drawn as SVG and rendered by sharp: a bed in perspective with its
 * surface texture, parts growing layer by layer (boxes and cylinders with layer lines and infill on top), the print
 * head and gantry, cables, and, for failures, tangles of thin strands ("spaghetti"). Light, colour cast, camera
 * angle, blur, sensor noise, infrared greyscale and JPEG compression vary per frame.
 */
export type FrameLabel = 'clean' | 'failure';

export interface SyntheticFrame {
  label: FrameLabel;
  /** What was drawn, for the training report. */
  scenario: string;
  jpeg: Buffer;
}

type Rgb = [number, number, number];
type Point = [number, number];

const FILAMENTS: Rgb[] = [
  [220, 40, 40],
  [240, 120, 30],
  [250, 200, 40],
  [60, 170, 70],
  [40, 90, 200],
  [120, 60, 170],
  [235, 235, 230],
  [30, 30, 32],
  [130, 130, 135],
  [200, 170, 120],
  [240, 90, 150],
  [20, 160, 170],
  [180, 30, 50],
  [90, 200, 230],
];
const BEDS: { colour: Rgb; texture: 'dots' | 'smooth' | 'grid' | 'dashed' }[] = [
  { colour: [45, 52, 45], texture: 'dashed' }, // satin sheet with a printed dashed grid
  { colour: [30, 30, 34], texture: 'dashed' },
  { colour: [190, 150, 80], texture: 'dots' }, // textured PEI (gold)
  { colour: [40, 40, 42], texture: 'dots' }, // black textured PEI
  { colour: [205, 170, 95], texture: 'smooth' }, // smooth PEI
  { colour: [25, 28, 32], texture: 'smooth' }, // glass / garolite
  { colour: [70, 110, 170], texture: 'smooth' }, // blue tape
  { colour: [60, 62, 66], texture: 'grid' }, // carbon / grid sticker
  { colour: [170, 172, 168], texture: 'grid' }, // aluminium / spring steel
  { colour: [60, 120, 70], texture: 'dots' }, // green PEI
];

const f = (v: number) => (Math.round(v * 10) / 10).toString();
const hex = ([r, g, b]: Rgb) => `rgb(${Math.round(r)},${Math.round(g)},${Math.round(b)})`;
const shade = (c: Rgb, k: number): Rgb => c.map((v) => Math.max(0, Math.min(255, v * k))) as Rgb;
const jitter = (random: SeededRandom, c: Rgb, amount: number): Rgb =>
  c.map((v) => Math.max(0, Math.min(255, v + random.range(-amount, amount)))) as Rgb;
const pathOf = (points: Point[]) => `M${points.map(([x, y]) => `${f(x)},${f(y)}`).join('L')}Z`;

/** Catmull-Rom through the points, as cubic Bezier segments. */
function smoothPath(points: Point[]): string {
  let d = `M${f(points[0][0])},${f(points[0][1])}`;
  for (let i = 0; i < points.length - 1; i++) {
    const p0 = points[Math.max(0, i - 1)];
    const p1 = points[i];
    const p2 = points[i + 1];
    const p3 = points[Math.min(points.length - 1, i + 2)];
    const c1: Point = [p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6];
    const c2: Point = [p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6];
    d += `C${f(c1[0])},${f(c1[1])} ${f(c2[0])},${f(c2[1])} ${f(p2[0])},${f(p2[1])}`;
  }
  return d;
}

/** The bed as a quadrilateral in the image: far-left, far-right, near-right, near-left. */
class Bed {
  constructor(
    readonly corners: [Point, Point, Point, Point],
    /** Pixels of height per unit of bed width, at the near edge. */
    readonly heightScale: number,
  ) {}

  at(u: number, v: number): Point {
    const [fl, fr, nr, nl] = this.corners;
    const far: Point = [fl[0] + (fr[0] - fl[0]) * u, fl[1] + (fr[1] - fl[1]) * u];
    const near: Point = [nl[0] + (nr[0] - nl[0]) * u, nl[1] + (nr[1] - nl[1]) * u];
    return [far[0] + (near[0] - far[0]) * v, far[1] + (near[1] - far[1]) * v];
  }

  /** Apparent width in pixels of one bed unit at depth v. */
  widthAt(v: number): number {
    const left = this.at(0, v);
    const right = this.at(1, v);
    return Math.hypot(right[0] - left[0], right[1] - left[1]);
  }

  /** Image point at bed (u, v) lifted by height z (in bed units). */
  lifted(u: number, v: number, z: number): Point {
    const [x, y] = this.at(u, v);
    return [x, y - z * this.widthAt(v) * this.heightScale];
  }
}

interface Part {
  kind: 'box' | 'cylinder';
  u: number;
  v: number;
  /** Half sizes in bed units. */
  su: number;
  sv: number;
  height: number;
  colour: Rgb;
  /** Fraction printed, 0..1. */
  progress: number;
}

class Scene {
  readonly defs: string[] = [];
  readonly layers: string[] = [];
  private ids = 0;

  constructor(
    readonly random: SeededRandom,
    readonly width: number,
    readonly height: number,
  ) {}

  id(prefix: string): string {
    return `${prefix}${this.ids++}`;
  }

  add(svg: string): void {
    this.layers.push(svg);
  }

  toSvg(rotation: number, zoom: number): string {
    const cx = this.width / 2;
    const cy = this.height / 2;
    return (
      `<svg xmlns="http://www.w3.org/2000/svg" width="${this.width}" height="${this.height}">` +
      `<defs>${this.defs.join('')}</defs>` +
      `<g transform="translate(${f(cx)},${f(cy)}) rotate(${f(rotation)}) scale(${zoom.toFixed(3)}) translate(${f(-cx)},${f(-cy)})">` +
      `${this.layers.join('')}</g></svg>`
    );
  }
}

function drawBackground(scene: Scene): void {
  const { random, width, height } = scene;
  const wall = random.pick<Rgb>([
    [70, 70, 75],
    [200, 200, 195],
    [150, 120, 90],
    [40, 45, 60],
    [225, 225, 230],
    [90, 100, 90],
  ]);
  const id = scene.id('wall');
  scene.defs.push(
    `<linearGradient id="${id}" x1="0" y1="0" x2="${f(random.range(0, 1))}" y2="1"><stop offset="0" stop-color="${hex(jitter(random, wall, 30))}"/>` +
      `<stop offset="1" stop-color="${hex(shade(jitter(random, wall, 30), random.range(0.5, 1)))}"/></linearGradient>`,
  );
  scene.add(`<rect x="${-width}" y="${-height}" width="${width * 3}" height="${height * 3}" fill="url(#${id})"/>`);
  for (let i = random.int(0, 4); i > 0; i--) {
    const w = random.range(0.1, 0.5) * width;
    const h = random.range(0.05, 0.4) * height;
    scene.add(
      `<rect x="${f(random.range(-0.2, 1) * width)}" y="${f(random.range(-0.1, 0.5) * height)}" width="${f(w)}" height="${f(h)}" ` +
        `fill="${hex(jitter(random, random.pick(FILAMENTS), 60))}" opacity="${random.range(0.4, 1).toFixed(2)}"/>`,
    );
  }
}

function makeBed(scene: Scene): Bed {
  const { random, width, height } = scene;
  const nearY = height * random.range(0.85, 1.1);
  const farY = height * random.range(0.18, 0.45);
  const nearHalf = width * random.range(0.42, 0.62);
  const farHalf = nearHalf * random.range(0.55, 0.9);
  const cx = width * random.range(0.42, 0.58);
  const skew = width * random.range(-0.08, 0.08);
  return new Bed(
    [
      [cx - farHalf + skew, farY],
      [cx + farHalf + skew, farY],
      [cx + nearHalf, nearY],
      [cx - nearHalf, nearY],
    ],
    random.range(0.55, 0.9),
  );
}

function drawBed(scene: Scene, bed: Bed): Rgb {
  const { random } = scene;
  const style = random.pick(BEDS);
  const colour = jitter(random, style.colour, 18);
  const [, , nr, nl] = bed.corners;
  const thickness = random.range(4, 12);
  scene.add(
    `<path d="${pathOf([nl, nr, [nr[0], nr[1] + thickness], [nl[0], nl[1] + thickness]])}" fill="${hex(shade(colour, 0.45))}"/>`,
  );
  scene.add(`<path d="${pathOf(bed.corners)}" fill="${hex(colour)}"/>`);
  const clip = scene.id('bedclip');
  scene.defs.push(`<clipPath id="${clip}"><path d="${pathOf(bed.corners)}"/></clipPath>`);
  if (style.texture === 'dots') {
    const pattern = scene.id('dots');
    const tile = random.range(5, 11);
    let dots = '';
    for (let i = 0; i < 6; i++) {
      dots += `<circle cx="${f(random.range(0, tile))}" cy="${f(random.range(0, tile))}" r="${f(random.range(0.4, 1.1))}" fill="${hex(shade(colour, random.range(0.75, 1.25)))}"/>`;
    }
    scene.defs.push(
      `<pattern id="${pattern}" width="${f(tile)}" height="${f(tile)}" patternUnits="userSpaceOnUse">${dots}</pattern>`,
    );
    scene.add(
      `<path d="${pathOf(bed.corners)}" fill="url(#${pattern})" opacity="${random.range(0.4, 0.9).toFixed(2)}"/>`,
    );
  } else if (style.texture === 'grid' || style.texture === 'dashed') {
    const lines: string[] = [];
    const steps = random.int(5, 14);
    for (let i = 1; i < steps; i++) {
      const t = i / steps;
      lines.push(`M${f(bed.at(t, 0)[0])},${f(bed.at(t, 0)[1])}L${f(bed.at(t, 1)[0])},${f(bed.at(t, 1)[1])}`);
      lines.push(`M${f(bed.at(0, t)[0])},${f(bed.at(0, t)[1])}L${f(bed.at(1, t)[0])},${f(bed.at(1, t)[1])}`);
    }
    const dashed = style.texture === 'dashed';
    const stroke = dashed ? jitter(random, [210, 210, 190], 30) : shade(colour, random.range(0.6, 1.4));
    scene.add(
      `<path d="${lines.join('')}" stroke="${hex(stroke)}" stroke-width="${f(random.range(0.5, 1.2))}" fill="none" opacity="${dashed ? '0.8' : '0.6'}"` +
        `${dashed ? ` stroke-dasharray="${f(random.range(2, 4))},${f(random.range(2, 5))}"` : ''}/>`,
    );
  }
  // A specular highlight from the room light.
  const glare = scene.id('glare');
  scene.defs.push(
    `<radialGradient id="${glare}"><stop offset="0" stop-color="#fff" stop-opacity="${random.range(0.05, 0.45).toFixed(2)}"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></radialGradient>`,
  );
  const [gx, gy] = bed.at(random.range(0.1, 0.9), random.range(0.1, 0.9));
  scene.add(
    `<ellipse clip-path="url(#${clip})" cx="${f(gx)}" cy="${f(gy)}" rx="${f(bed.widthAt(0.5) * random.range(0.2, 0.6))}" ry="${f(bed.widthAt(0.5) * random.range(0.08, 0.25))}" fill="url(#${glare})"/>`,
  );
  // Printed marks or a logo near the front edge.
  if (random.chance(0.5)) {
    const [mx, my] = bed.at(random.range(0.3, 0.7), random.range(0.9, 0.97));
    scene.add(
      `<rect x="${f(mx - 20)}" y="${f(my - 3)}" width="40" height="6" fill="${hex(shade(colour, random.pick([0.6, 1.4])))}" opacity="0.7"/>`,
    );
  }
  return colour;
}

function partFootprint(bed: Bed, part: Part, z: number): Point[] {
  return [
    bed.lifted(part.u - part.su, part.v - part.sv, z),
    bed.lifted(part.u + part.su, part.v - part.sv, z),
    bed.lifted(part.u + part.su, part.v + part.sv, z),
    bed.lifted(part.u - part.su, part.v + part.sv, z),
  ];
}

function drawPart(scene: Scene, bed: Bed, part: Part): Point {
  const { random } = scene;
  const z = part.height * part.progress;
  const layerPx = random.range(1.2, 2.6);
  if (part.kind === 'box') {
    const bottom = partFootprint(bed, part, 0);
    const top = partFootprint(bed, part, z);
    const sideIndex = part.u > 0.5 ? 3 : 1; // the face that looks towards the camera's centre
    const side = sideIndex === 1 ? [bottom[1], bottom[2], top[2], top[1]] : [bottom[3], bottom[0], top[0], top[3]];
    const front = [bottom[3], bottom[2], top[2], top[3]];
    if (z > 0.002) {
      scene.add(`<path d="${pathOf(side as Point[])}" fill="${hex(shade(part.colour, 0.62))}"/>`);
      scene.add(`<path d="${pathOf(front as Point[])}" fill="${hex(shade(part.colour, 0.82))}"/>`);
      const frontHeight = bottom[3][1] - top[3][1];
      const lines: string[] = [];
      for (let y = layerPx; y < frontHeight; y += layerPx) {
        lines.push(`M${f(bottom[3][0])},${f(bottom[3][1] - y)}L${f(bottom[2][0])},${f(bottom[2][1] - y)}`);
      }
      if (lines.length) {
        scene.add(
          `<path d="${lines.join('')}" stroke="${hex(shade(part.colour, 0.6))}" stroke-width="0.5" opacity="${random.range(0.15, 0.45).toFixed(2)}"/>`,
        );
      }
    }
    scene.add(`<path d="${pathOf(top)}" fill="${hex(shade(part.colour, 1.08))}"/>`);
    if (part.progress < 1) drawInfill(scene, top, part.colour);
    return [(top[0][0] + top[2][0]) / 2, (top[0][1] + top[2][1]) / 2];
  }
  const [cx, cy0] = bed.at(part.u, part.v);
  const [, cy1] = bed.lifted(part.u, part.v, z);
  const rx = part.su * bed.widthAt(part.v);
  const ry = rx * Math.min(0.7, Math.max(0.2, (bed.corners[3][1] - bed.corners[0][1]) / bed.widthAt(0.5)));
  const gradient = scene.id('cyl');
  scene.defs.push(
    `<linearGradient id="${gradient}"><stop offset="0" stop-color="${hex(shade(part.colour, 0.55))}"/><stop offset="0.45" stop-color="${hex(shade(part.colour, 1.05))}"/>` +
      `<stop offset="1" stop-color="${hex(shade(part.colour, 0.5))}"/></linearGradient>`,
  );
  if (z > 0.002) {
    scene.add(
      `<path d="M${f(cx - rx)},${f(cy1)}L${f(cx - rx)},${f(cy0)}A${f(rx)},${f(ry)} 0 0 0 ${f(cx + rx)},${f(cy0)}L${f(cx + rx)},${f(cy1)}Z" fill="url(#${gradient})"/>`,
    );
    const lines: string[] = [];
    for (let y = layerPx; y < cy0 - cy1; y += layerPx)
      lines.push(`M${f(cx - rx)},${f(cy0 - y + ry)}A${f(rx)},${f(ry)} 0 0 0 ${f(cx + rx)},${f(cy0 - y)}`);
    if (lines.length)
      scene.add(
        `<path d="${lines.join('')}" stroke="${hex(shade(part.colour, 0.6))}" stroke-width="0.5" fill="none" opacity="0.25"/>`,
      );
  }
  scene.add(
    `<ellipse cx="${f(cx)}" cy="${f(cy1)}" rx="${f(rx)}" ry="${f(ry)}" fill="${hex(shade(part.colour, 1.1))}"/>`,
  );
  if (part.progress < 1) {
    const top: Point[] = Array.from({ length: 16 }, (_, i) => [
      cx + rx * Math.cos((i / 16) * 2 * Math.PI),
      cy1 + ry * Math.sin((i / 16) * 2 * Math.PI),
    ]);
    drawInfill(scene, top, part.colour);
  }
  return [cx, cy1];
}

/** The open top of a part being printed: a perimeter and a grid or diagonal infill. */
function drawInfill(scene: Scene, outline: Point[], colour: Rgb): void {
  const { random } = scene;
  const clip = scene.id('infill');
  scene.defs.push(`<clipPath id="${clip}"><path d="${pathOf(outline)}"/></clipPath>`);
  const xs = outline.map((p) => p[0]);
  const ys = outline.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const spacing = random.range(3, 8);
  const lines: string[] = [];
  const span = x1 - x0 + y1 - y0;
  for (let t = -span; t < span; t += spacing) {
    lines.push(`M${f(x0 + t)},${f(y0)}L${f(x0 + t + (y1 - y0))},${f(y1)}`);
    if (random.chance(0.7)) lines.push(`M${f(x0 + t)},${f(y1)}L${f(x0 + t + (y1 - y0))},${f(y0)}`);
  }
  scene.add(
    `<path clip-path="url(#${clip})" d="${lines.join('')}" stroke="${hex(shade(colour, 0.7))}" stroke-width="${f(random.range(0.6, 1.4))}" opacity="0.7"/>`,
  );
  scene.add(`<path d="${pathOf(outline)}" fill="none" stroke="${hex(shade(colour, 0.9))}" stroke-width="1.2"/>`);
}

/**
 * Printer hardware at the sides of the view, in both classes so it never means "failure": an aluminium extrusion
 * with its slot, a threaded lead screw, a printed bracket with screw heads, a stepper motor, and binder clips
 * (wire loops) on the bed edge.
 */
function drawHardware(scene: Scene, bed: Bed): void {
  const { random, width, height } = scene;
  for (let side = random.chance(0.5) ? 2 : 1; side > 0; side--) {
    const left = side === 2 ? random.chance(0.5) : random.chance(0.5);
    const x = left ? random.range(-0.05, 0.14) * width : random.range(0.84, 1.02) * width;
    const column = random.range(0.04, 0.08) * width;
    const metal = jitter(
      random,
      random.pick<Rgb>([
        [160, 160, 165],
        [40, 40, 42],
        [90, 90, 95],
      ]),
      15,
    );
    scene.add(`<rect x="${f(x)}" y="${-height}" width="${f(column)}" height="${height * 3}" fill="${hex(metal)}"/>`);
    scene.add(
      `<rect x="${f(x + column * 0.42)}" y="${-height}" width="${f(column * 0.16)}" height="${height * 3}" fill="${hex(shade(metal, 0.5))}"/>`,
    );
    const screwX = x + (left ? column * 1.3 : -column * 0.5);
    const rod = random.range(3, 7);
    const steel = jitter(
      random,
      random.pick<Rgb>([
        [190, 190, 195],
        [180, 150, 90],
      ]),
      15,
    );
    scene.add(`<rect x="${f(screwX)}" y="${-height}" width="${f(rod)}" height="${height * 3}" fill="${hex(steel)}"/>`);
    const pitch = random.range(2.5, 5);
    const threads: string[] = [];
    for (let y = -height * 0.2; y < height * 1.2; y += pitch)
      threads.push(`M${f(screwX)},${f(y)}l${f(rod)},${f(pitch * 0.6)}`);
    scene.add(`<path d="${threads.join('')}" stroke="${hex(shade(steel, 0.55))}" stroke-width="0.8"/>`);
    if (random.chance(0.7)) {
      const bracket = jitter(
        random,
        random.pick<Rgb>([
          [235, 100, 30],
          [30, 30, 30],
          [200, 200, 200],
          [40, 90, 180],
        ]),
        20,
      );
      const bx = x - column * 0.4;
      const by = random.range(0.05, 0.6) * height;
      const bw = column * random.range(2, 3);
      const bh = random.range(0.15, 0.35) * height;
      scene.add(`<rect x="${f(bx)}" y="${f(by)}" width="${f(bw)}" height="${f(bh)}" rx="5" fill="${hex(bracket)}"/>`);
      for (let k = random.int(2, 4); k > 0; k--) {
        const [sx, sy] = [bx + random.range(0.15, 0.85) * bw, by + random.range(0.15, 0.85) * bh];
        scene.add(
          `<circle cx="${f(sx)}" cy="${f(sy)}" r="${f(random.range(2.5, 4.5))}" fill="rgb(120,120,125)"/><circle cx="${f(sx)}" cy="${f(sy)}" r="1.4" fill="rgb(30,30,30)"/>`,
        );
      }
    }
    if (random.chance(0.4)) {
      const my = random.range(0.6, 0.9) * height;
      scene.add(
        `<rect x="${f(x - column * 0.3)}" y="${f(my)}" width="${f(column * 1.8)}" height="${f(column * 1.6)}" fill="rgb(25,25,28)"/>`,
      );
      scene.add(
        `<rect x="${f(x - column * 0.3)}" y="${f(my)}" width="${f(column * 1.8)}" height="${f(column * 0.3)}" fill="rgb(170,170,175)"/>`,
      );
    }
  }
  if (random.chance(0.25)) {
    // Binder clips holding a glass plate: a black body and a folded wire loop.
    for (let k = random.int(1, 4); k > 0; k--) {
      const [cx, cy] = bed.at(random.pick([0.02, 0.98]), random.range(0.1, 0.9));
      const size = random.range(6, 14);
      scene.add(
        `<rect x="${f(cx - size / 2)}" y="${f(cy - size / 2)}" width="${f(size)}" height="${f(size * 0.7)}" fill="rgb(20,20,20)"/>`,
      );
      scene.add(
        `<path d="M${f(cx - size / 3)},${f(cy - size / 2)}c0,${f(-size)} ${f(size * 0.66)},${f(-size)} ${f(size * 0.66)},0" stroke="rgb(200,200,205)" stroke-width="1.2" fill="none"/>`,
      );
    }
  }
}

/** Draws the print head over everything and slides its gantry in behind the parts (at `behind`). Returns the head's top. */
function drawHead(scene: Scene, nozzle: Point, behind: number): Point {
  const { random, width } = scene;
  const [nx, ny] = nozzle;
  const bodyWidth = random.range(0.1, 0.2) * width;
  const bodyHeight = bodyWidth * random.range(0.8, 1.3);
  const lift = random.range(6, 14);
  const body = random.pick<Rgb>([
    [30, 30, 30],
    [240, 110, 30],
    [60, 60, 65],
    [200, 200, 200],
    [20, 60, 140],
  ]);
  const top = ny - lift - bodyHeight;
  scene.layers.splice(
    behind,
    0,
    `<rect x="${-width}" y="${f(top + bodyHeight * 0.2)}" width="${width * 3}" height="${f(bodyHeight * 0.25)}" fill="${hex(jitter(random, [50, 50, 55], 20))}"/>`,
  );
  scene.add(
    `<path d="M${f(nx - 4)},${f(ny - lift)}L${f(nx + 4)},${f(ny - lift)}L${f(nx)},${f(ny)}Z" fill="rgb(190,150,60)"/>`,
  );
  scene.add(`<rect x="${f(nx - 9)}" y="${f(ny - lift - 8)}" width="18" height="9" fill="rgb(170,170,175)"/>`);
  scene.add(
    `<rect x="${f(nx - bodyWidth / 2)}" y="${f(top)}" width="${f(bodyWidth)}" height="${f(bodyHeight - 6)}" rx="4" fill="${hex(body)}"/>`,
  );
  scene.add(
    `<circle cx="${f(nx)}" cy="${f(top + bodyHeight * 0.45)}" r="${f(bodyWidth * 0.3)}" fill="${hex(shade(body, 0.5))}"/>`,
  );
  return [nx, top];
}

/** A cable or tube: from a frame edge to the print head (or across), hanging in a gentle curve. */
function drawCable(scene: Scene, thick: boolean, towards: Point | undefined): void {
  const { random, width, height } = scene;
  const start: Point = random.chance(0.5)
    ? [random.pick([-10, width + 10]), random.range(0, height * 0.8)]
    : [random.range(0, width), -10];
  const end: Point = towards ?? [random.range(0, width), random.pick([-10, height + 10])];
  const sag = random.range(0.05, 0.35) * height;
  const middle: Point[] = [0.33, 0.66].map((t) => [
    start[0] + (end[0] - start[0]) * t + random.normal() * width * 0.05,
    start[1] + (end[1] - start[1]) * t + sag * Math.sin(Math.PI * t),
  ]);
  const colour = random.pick<Rgb>([
    [20, 20, 20],
    [40, 40, 45],
    [200, 40, 40],
    [230, 230, 230],
    [60, 60, 200],
    [200, 200, 200],
  ]);
  scene.add(
    `<path d="${smoothPath([start, ...middle, end])}" stroke="${hex(colour)}" stroke-width="${f(thick ? random.range(4, 9) : random.range(2, 4))}" ` +
      `fill="none" stroke-linecap="round" opacity="${random.range(0.8, 1).toFixed(2)}"/>`,
  );
}

/**
 * A tangle of thin extruded strands around a centre: curly strands packed in the nest, wandering strands that
 * reach far out over the bed, loops of filament that coiled in the air; all drooping under gravity.
 */
function drawSpaghetti(scene: Scene, centre: Point, radius: number, strands: number, colour: Rgb, droop: number): void {
  const { random } = scene;
  const paths: string[] = [];
  const highlights: string[] = [];
  for (let s = 0; s < strands; s++) {
    const wandering = random.chance(0.3);
    const points: Point[] = [
      [centre[0] + random.normal() * radius * 0.45, centre[1] + random.normal() * radius * 0.35],
    ];
    let angle = random.range(0, 2 * Math.PI);
    const step = radius * (wandering ? random.range(0.3, 0.7) : random.range(0.1, 0.4));
    const curl = wandering ? random.range(0.2, 0.6) : random.range(0.6, 1.6);
    for (let i = wandering ? random.int(6, 16) : random.int(4, 12); i > 0; i--) {
      angle += random.normal() * curl;
      const [x, y] = points[points.length - 1];
      points.push([x + Math.cos(angle) * step, y + Math.sin(angle) * step * 0.8 + droop * step * 0.5]);
    }
    paths.push(smoothPath(points));
    if (random.chance(0.35)) highlights.push(smoothPath(points));
  }
  for (let i = random.int(0, Math.ceil(strands / 4)); i > 0; i--) {
    const r = radius * random.range(0.05, 0.25);
    const ratio = random.range(0.35, 1);
    const cx = centre[0] + random.normal() * radius * 0.6;
    const cy = centre[1] + random.normal() * radius * 0.45;
    const tilt = f(random.range(0, 180));
    paths.push(
      `M${f(cx - r)},${f(cy)}a${f(r)},${f(r * ratio)} ${tilt} 1 0 ${f(2 * r)},0a${f(r)},${f(r * ratio)} ${tilt} 1 0 ${f(-2 * r)},0`,
    );
  }
  const widthPx = random.range(0.8, 2.6);
  const body = jitter(random, colour, 25);
  const all = paths.join('');
  scene.add(
    `<g fill="none" stroke-linecap="round" opacity="${random.range(0.75, 1).toFixed(2)}">` +
      `<path d="${all}" stroke="${hex(shade(body, 0.7))}" stroke-width="${f(widthPx * 1.35)}"/>` +
      `<path d="${all}" stroke="${hex(body)}" stroke-width="${f(widthPx)}"/>` +
      `<path d="${highlights.join('')}" stroke="${hex(shade(body, 1.5))}" stroke-width="${f(Math.max(0.4, widthPx * 0.4))}" opacity="0.8"/></g>`,
  );
}

function randomParts(scene: Scene, count: number, progress: () => number): Part[] {
  const { random } = scene;
  const colour = random.pick(FILAMENTS);
  const parts: Part[] = [];
  for (let i = 0; i < count; i++) {
    const size = count > 4 ? random.range(0.03, 0.08) : random.range(0.05, 0.18);
    parts.push({
      kind: random.chance(0.35) ? 'cylinder' : 'box',
      u: random.range(0.15, 0.85),
      v: random.range(0.2, 0.85),
      su: size,
      sv: size * random.range(0.6, 1.4),
      height: random.range(0.04, 0.35),
      colour: random.chance(0.8) ? colour : random.pick(FILAMENTS),
      progress: progress(),
    });
  }
  return parts.sort((a, b) => a.v - b.v);
}

function drawThinLines(
  scene: Scene,
  bed: Bed,
  colour: Rgb,
  kind: 'skirt' | 'purge' | 'stringing',
  parts: Part[],
): void {
  const { random } = scene;
  if (kind === 'purge') {
    const y = random.range(0.92, 0.98);
    const a = bed.at(random.range(0.02, 0.1), y);
    const b = bed.at(random.range(0.3, 0.6), y);
    scene.add(
      `<path d="M${f(a[0])},${f(a[1])}L${f(b[0])},${f(b[1])}" stroke="${hex(colour)}" stroke-width="${f(random.range(1.5, 3.5))}"/>`,
    );
  } else if (kind === 'skirt' && parts.length > 0) {
    const us = parts.map((p) => [p.u - p.su, p.u + p.su]).flat();
    const vs = parts.map((p) => [p.v - p.sv, p.v + p.sv]).flat();
    const m = random.range(0.02, 0.05);
    const outline = [
      bed.at(Math.min(...us) - m, Math.min(...vs) - m),
      bed.at(Math.max(...us) + m, Math.min(...vs) - m),
      bed.at(Math.max(...us) + m, Math.max(...vs) + m),
      bed.at(Math.min(...us) - m, Math.max(...vs) + m),
    ];
    scene.add(
      `<path d="${pathOf(outline)}" fill="none" stroke="${hex(colour)}" stroke-width="${f(random.range(0.8, 1.6))}"/>`,
    );
  } else if (kind === 'stringing' && parts.length > 1) {
    const hairs: string[] = [];
    for (let i = random.int(1, 4); i > 0; i--) {
      const a = bed.lifted(parts[0].u, parts[0].v, parts[0].height * parts[0].progress * random.range(0.5, 1));
      const b = bed.lifted(parts[1].u, parts[1].v, parts[1].height * parts[1].progress * random.range(0.5, 1));
      hairs.push(
        `M${f(a[0])},${f(a[1])}Q${f((a[0] + b[0]) / 2)},${f((a[1] + b[1]) / 2 + random.range(0, 8))} ${f(b[0])},${f(b[1])}`,
      );
    }
    scene.add(`<path d="${hairs.join('')}" stroke="${hex(colour)}" stroke-width="0.5" fill="none" opacity="0.5"/>`);
  }
}

/** Draws one scene and returns its SVG and a short description. */
function composeScene(
  random: SeededRandom,
  label: FrameLabel,
  width: number,
  height: number,
): { svg: string; scenario: string } {
  const scene = new Scene(random, width, height);
  drawBackground(scene);
  const bed = makeBed(scene);
  const hardwareInFront = random.chance(0.4);
  if (!hardwareInFront && random.chance(0.6)) drawHardware(scene, bed);
  drawBed(scene, bed);
  if (hardwareInFront) drawHardware(scene, bed);
  const behindParts = scene.layers.length;
  let scenario: string;
  let parts: Part[];
  let nozzle: Point | undefined;
  if (label === 'clean') {
    scenario = random.pick([
      'empty bed',
      'first layers',
      'mid print',
      'mid print',
      'finished parts',
      'many small parts',
    ]);
    const progress = {
      'empty bed': () => 0,
      'first layers': () => random.range(0.005, 0.06),
      'mid print': () => random.range(0.1, 0.95),
      'finished parts': () => 1,
      'many small parts': () => random.range(0.05, 1),
    }[scenario]!;
    parts =
      scenario === 'empty bed'
        ? []
        : randomParts(scene, scenario === 'many small parts' ? random.int(5, 12) : random.int(1, 4), progress);
    if (random.chance(0.4)) drawThinLines(scene, bed, parts[0]?.colour ?? random.pick(FILAMENTS), 'purge', parts);
    if (scenario === 'first layers' || random.chance(0.2))
      drawThinLines(scene, bed, parts[0]?.colour ?? random.pick(FILAMENTS), 'skirt', parts);
    const tops = parts.map((part) => drawPart(scene, bed, part));
    if (random.chance(0.12)) drawThinLines(scene, bed, parts[0]?.colour ?? random.pick(FILAMENTS), 'stringing', parts);
    if (tops.length > 0 && random.chance(0.8)) nozzle = random.pick(tops);
    else if (random.chance(0.6))
      nozzle = bed.lifted(random.range(0.2, 0.8), random.range(0.2, 0.8), random.range(0.05, 0.4));
  } else {
    scenario = random.pick([
      'spaghetti on the part',
      'spaghetti on the part',
      'nest on the bed',
      'hanging from the nozzle',
      'small tangle',
    ]);
    parts = randomParts(scene, random.int(1, 3), () => random.range(0.1, 0.8));
    if (scenario === 'nest on the bed') {
      // The part came loose: show it displaced or knocked over.
      parts[0].u = Math.min(0.9, Math.max(0.1, parts[0].u + random.range(-0.2, 0.2)));
      if (random.chance(0.5)) parts[0].height *= 0.4;
    }
    if (random.chance(0.3)) drawThinLines(scene, bed, parts[0].colour, 'purge', parts);
    const tops = parts.map((part) => drawPart(scene, bed, part));
    const colour = parts[0].colour;
    const scale = bed.widthAt(0.5);
    if (scenario === 'spaghetti on the part') {
      const top = random.pick(tops);
      const radius = scale * random.range(0.06, 0.2);
      drawSpaghetti(scene, [top[0], top[1] - radius * 0.5], radius, random.int(25, 90), colour, random.range(0, 0.6));
      nozzle = [top[0] + random.range(-10, 10), top[1] - radius * random.range(0.8, 1.6)];
    } else if (scenario === 'nest on the bed') {
      const nests = random.int(1, 3);
      for (let i = 0; i < nests; i++) {
        const radius = scale * random.range(0.08, 0.3);
        const [x, y] = bed.at(random.range(0.2, 0.8), random.range(0.3, 0.85));
        drawSpaghetti(scene, [x, y - radius * 0.3], radius, random.int(30, 140), colour, random.range(0, 0.3));
      }
      if (random.chance(0.7))
        nozzle = bed.lifted(random.range(0.2, 0.8), random.range(0.3, 0.7), random.range(0.15, 0.4));
    } else if (scenario === 'hanging from the nozzle') {
      nozzle = bed.lifted(random.range(0.25, 0.75), random.range(0.3, 0.7), random.range(0.15, 0.45));
      const radius = scale * random.range(0.05, 0.14);
      drawSpaghetti(
        scene,
        [nozzle[0], nozzle[1] + radius * 0.9],
        radius,
        random.int(20, 70),
        colour,
        random.range(0.4, 1.2),
      );
    } else {
      const top = random.pick(tops);
      const radius = scale * random.range(0.025, 0.06);
      drawSpaghetti(
        scene,
        [top[0] + random.range(-8, 8), top[1] - radius * 0.4],
        radius,
        random.int(10, 30),
        colour,
        random.range(0, 0.5),
      );
      nozzle = [top[0], top[1] - radius * random.range(1, 2.5)];
    }
  }
  const headTop = nozzle ? drawHead(scene, nozzle, behindParts) : undefined;
  for (let i = random.chance(0.35) ? random.int(1, 3) : 0; i > 0; i--)
    drawCable(scene, random.chance(0.5), random.chance(0.5) ? headTop : undefined);
  return { svg: scene.toSvg(random.range(-6, 6), random.range(1.0, 1.15)), scenario };
}

/** 4096 standard normal draws, shared; frames index into them from their own random offsets. */
let normalTable: Float32Array | undefined;
function normals(): Float32Array {
  if (!normalTable) {
    const random = new SeededRandom(0x5eed);
    normalTable = Float32Array.from({ length: 4096 }, () => random.normal());
  }
  return normalTable;
}

/** Light, colour cast, sensor noise and infrared greyscale, applied to raw RGB pixels in place. */
function applyCamera(random: SeededRandom, pixels: Buffer, width: number, height: number): void {
  const brightness = random.range(0.45, 1.25);
  const contrast = random.range(0.75, 1.2);
  const tint = random.pick<Rgb>([
    [1, 1, 1],
    [1.08, 1, 0.82],
    [0.9, 0.97, 1.1],
    [0.95, 1.06, 0.95],
    [1.05, 0.95, 1.05],
  ]);
  const [spotX, spotY, spotSize] = [
    random.range(0, width),
    random.range(0, height),
    random.range(0.3, 1) * Math.max(width, height),
  ];
  const spotGain = random.range(0, 0.6);
  const vignette = random.range(0, 0.5);
  const noise = random.range(1, 12);
  const infrared = random.chance(0.1);
  const table = normals();
  let cursor = random.int(0, 4095);
  const stride = 2 * random.int(1, 1000) + 1; // odd, so it walks the whole table
  // The light field is separable: a Gaussian spot is a product, the squared radius of the vignette a sum.
  const spotX2 = Float32Array.from({ length: width }, (_, x) => Math.exp(-((x - spotX) ** 2) / spotSize ** 2));
  const spotY2 = Float32Array.from({ length: height }, (_, y) => Math.exp(-((y - spotY) ** 2) / spotSize ** 2));
  const diagonal2 = (width / 2) ** 2 + (height / 2) ** 2;
  const vigX = Float32Array.from({ length: width }, (_, x) => (x - width / 2) ** 2 / diagonal2);
  const vigY = Float32Array.from({ length: height }, (_, y) => (y - height / 2) ** 2 / diagonal2);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const light = brightness * (1 + spotGain * spotX2[x] * spotY2[y]) * (1 - vignette * (vigX[x] + vigY[y]));
      const i = (y * width + x) * 3;
      const grey = infrared ? 0.3 * pixels[i] + 0.59 * pixels[i + 1] + 0.11 * pixels[i + 2] : 0;
      for (let c = 0; c < 3; c++) {
        const base = infrared ? grey : pixels[i + c] * tint[c];
        cursor = (cursor + stride) & 4095;
        const value = (base * light - 128) * contrast + 128 + table[cursor] * noise;
        pixels[i + c] = value < 0 ? 0 : value > 255 ? 255 : value;
      }
    }
  }
}

export interface RenderOptions {
  width?: number;
  height?: number;
}

/**
 * Renders one labelled synthetic webcam frame as JPEG. Everything random comes from `seed`, so frames can be
 * rendered concurrently and the result does not depend on the order they finish in.
 */
export async function renderSyntheticFrame(
  seed: number,
  label: FrameLabel,
  options: RenderOptions = {},
): Promise<SyntheticFrame> {
  const random = new SeededRandom(seed);
  const wide = random.chance(0.3);
  const width = options.width ?? (wide ? 448 : 400);
  const height = options.height ?? (wide ? 252 : 300);
  const { svg, scenario } = composeScene(random, label, width, height);
  let image = sharp(Buffer.from(svg), { density: 72 }).removeAlpha();
  const blur = random.chance(0.5) ? random.range(0.3, 1.4) : 0;
  if (blur > 0.3) image = image.blur(blur);
  const quality = random.int(45, 90);
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  applyCamera(random, data, info.width, info.height);
  const jpeg = await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
    .jpeg({ quality })
    .toBuffer();
  return { label, scenario, jpeg };
}
