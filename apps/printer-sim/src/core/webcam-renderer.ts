import sharp from 'sharp';

export const SNAPSHOT_WIDTH = 640;
export const SNAPSHOT_HEIGHT = 480;

/** What a webcam frame shows. */
export interface SnapshotScene {
  /** Seeds the filament color and the spaghetti tangle. */
  seed: number;
  /** 0..1 of the part printed so far. */
  completion: number;
  layerCount: number;
  spaghetti: boolean;
  /** Heated nozzle glows a little. */
  nozzleHot: boolean;
}

const FILAMENTS = ['#e4572e', '#29335c', '#f3a712', '#669bbc', '#a8c686', '#d7263d', '#f4f1de', '#1b998b'];
const PART_HEIGHT_PX = 170;

/** The filament colour a scene seed draws; the farm seeds printer i with i + 1. */
export function filamentColorOf(seed: number): string {
  return FILAMENTS[Math.abs(seed) % FILAMENTS.length]!;
}

/** Relative luminance (sRGB, 0..1) of a `#rrggbb` colour. */
export function luminanceOf(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((at) => {
    const c = parseInt(hex.slice(at, at + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
const PART_BASE_Y = 372;
const CACHE_LIMIT = 512;

/** Renders webcam JPEGs from SVG with sharp, caching one image per distinct scene (per layer, not per tick). */
export class WebcamRenderer {
  private readonly cache = new Map<string, Promise<Buffer>>();

  render(scene: SnapshotScene): Promise<Buffer> {
    const layers = visibleLayers(scene);
    const key = `${scene.seed}:${layers}:${scene.layerCount}:${scene.spaghetti}:${scene.nozzleHot}`;
    let jpeg = this.cache.get(key);
    if (!jpeg) {
      jpeg = sharp(Buffer.from(sceneSvg(scene)))
        .jpeg({ quality: 82, mozjpeg: false })
        .toBuffer();
      jpeg.catch(() => this.cache.delete(key));
      this.cache.set(key, jpeg);
      if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
    }
    return jpeg;
  }
}

function visibleLayers(scene: SnapshotScene): number {
  return Math.floor(Math.min(1, Math.max(0, scene.completion)) * scene.layerCount);
}

/** Width of the part at relative height h (0 bottom, 1 top): a squat vase. */
function partHalfWidth(h: number): number {
  return 70 - 22 * Math.sin(Math.PI * h) + 8 * h;
}

export function sceneSvg(scene: SnapshotScene): string {
  const color = filamentColorOf(scene.seed);
  const layers = visibleLayers(scene);
  const layerPx = PART_HEIGHT_PX / Math.max(1, scene.layerCount);
  const topY = PART_BASE_Y - layers * layerPx;
  const body: string[] = [];
  if (layers > 0) {
    const left: string[] = [];
    const right: string[] = [];
    const steps = Math.min(layers, 60);
    for (let i = 0; i <= steps; i++) {
      const h = ((i / steps) * layers) / scene.layerCount;
      const y = (PART_BASE_Y - (i / steps) * layers * layerPx).toFixed(1);
      left.push(`${(320 - partHalfWidth(h)).toFixed(1)},${y}`);
      right.unshift(`${(320 + partHalfWidth(h)).toFixed(1)},${y}`);
    }
    body.push(
      `<polygon points="${[...left, ...right].join(' ')}" fill="${color}" stroke="#00000055" stroke-width="1"/>`,
    );
    const lineEvery = Math.max(1, Math.ceil(layers / 40));
    for (let layer = lineEvery; layer < layers; layer += lineEvery) {
      const h = layer / scene.layerCount;
      const y = (PART_BASE_Y - layer * layerPx).toFixed(1);
      const w = partHalfWidth(h);
      body.push(`<line x1="${320 - w}" y1="${y}" x2="${320 + w}" y2="${y}" stroke="#00000026" stroke-width="1"/>`);
    }
    body.push(
      `<rect x="${320 - partHalfWidth(layers / scene.layerCount)}" y="${topY - 1}" width="${
        2 * partHalfWidth(layers / scene.layerCount)
      }" height="3" fill="#ffffff33"/>`,
    );
  }
  const nozzleX = 320 + (layers % 2 === 0 ? -1 : 1) * ((layers * 37) % 60);
  const nozzleY = Math.min(topY, PART_BASE_Y) - 6;
  const spaghetti = scene.spaghetti ? spaghettiSvg(scene.seed, color, topY) : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${SNAPSHOT_WIDTH}" height="${SNAPSHOT_HEIGHT}" viewBox="0 0 640 480">
  <defs>
    <linearGradient id="wall" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#3b4048"/><stop offset="1" stop-color="#16181c"/></linearGradient>
    <linearGradient id="bed" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#2a2d33"/><stop offset="1" stop-color="#4a4f58"/></linearGradient>
  </defs>
  <rect width="640" height="480" fill="url(#wall)"/>
  <rect x="40" y="40" width="18" height="380" fill="#5b6068"/><rect x="582" y="40" width="18" height="380" fill="#5b6068"/>
  <polygon points="70,440 570,440 500,350 140,350" fill="url(#bed)" stroke="#777" stroke-width="2"/>
  <path d="M160,370 H480 M120,400 H520 M230,350 L200,440 M320,350 V440 M410,350 L440,440" stroke="#ffffff14" stroke-width="2"/>
  ${body.join('\n  ')}
  ${spaghetti}
  <rect x="0" y="${nozzleY - 70}" width="640" height="14" fill="#8a8f98"/>
  <rect x="${nozzleX - 28}" y="${nozzleY - 60}" width="56" height="42" rx="4" fill="#c9ccd1"/>
  <polygon points="${nozzleX - 8},${nozzleY - 18} ${nozzleX + 8},${nozzleY - 18} ${nozzleX},${nozzleY}" fill="${
    scene.nozzleHot ? '#f6b352' : '#b08d57'
  }"/>
</svg>`;
}

/** Loose curly strands dragged around and above the part: what a print that lost adhesion looks like. */
function spaghettiSvg(seed: number, color: string, topY: number): string {
  const random = mulberry32(seed * 7919 + 17);
  const strands: string[] = [];
  const top = Math.min(topY, 350);
  for (let i = 0; i < 28; i++) {
    let x = 230 + random() * 180;
    let y = top - 30 + random() * 60;
    let d = `M${x.toFixed(1)},${y.toFixed(1)}`;
    const segments = 4 + Math.floor(random() * 4);
    for (let j = 0; j < segments; j++) {
      // A random walk of loops that sags toward the bed.
      const c1 = [x + (random() - 0.5) * 90, y + (random() - 0.6) * 70];
      x = Math.min(470, Math.max(170, x + (random() - 0.5) * 80));
      y = Math.min(430, Math.max(top - 80, y + (random() - 0.3) * 40));
      const c2 = [x + (random() - 0.5) * 90, y + (random() - 0.6) * 70];
      d += ` C${c1[0].toFixed(1)},${c1[1].toFixed(1)} ${c2[0].toFixed(1)},${c2[1].toFixed(1)} ${x.toFixed(1)},${y.toFixed(1)}`;
    }
    const width = (0.9 + random() * 1.4).toFixed(1);
    const opacity = (0.65 + random() * 0.35).toFixed(2);
    strands.push(
      `<path d="${d}" fill="none" stroke="${color}" stroke-opacity="${opacity}" stroke-width="${width}" stroke-linecap="round"/>`,
    );
  }
  return strands.join('\n  ');
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
