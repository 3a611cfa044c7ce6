import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * Bambu Studio / OrcaSlicer project 3MF (`.3mf`, `.gcode.3mf`): a ZIP whose `Metadata/slice_info.config` (XML) lists
 * each sliced plate (index, printer model id, prediction in seconds, weight, and per filament: id, type, colour,
 * grams), `Metadata/plate_<n>.json` its filament colours and ids, `Metadata/plate_<n>.gcode` the plate's G-code and
 * `Metadata/project_settings.config` (JSON) the printer model's name. Read through ranged reads (end of central
 * directory, central directory, then only the wanted entries), never the whole archive.
 */

export interface RangeReader {
  size: number;
  read(start: number, length: number): Promise<Buffer>;
}

export class ThreeMfError extends Error {}

export interface PlateFilament {
  /** 1-based filament id as the slicer numbers them (the AMS mapping is indexed by id - 1). */
  id: number;
  type: string | null;
  /** `#RRGGBB` (alpha dropped), upper-case. */
  color: string | null;
  usedGrams: number | null;
  usedMeters: number | null;
}

export interface PlateInfo {
  index: number;
  /** Whether the archive holds this plate's G-code (a project that was sliced, not only saved). */
  sliced: boolean;
  estimatedTimeSeconds: number | null;
  weightGrams: number | null;
  printerModelId: string | null;
  nozzleDiameterMm: number | null;
  filaments: PlateFilament[];
}

export interface ThreeMfInfo {
  slicer: string | null;
  slicerVersion: string | null;
  /** 'Bambu Lab P1S', from the project settings; else from the plates' model id. */
  printerModel: string | null;
  printerModelId: string | null;
  plates: PlateInfo[];
}

/** Bambu's printer model ids (`printer_model_id`) and the names the slicers show. */
export const BAMBU_MODEL_IDS: Record<string, string> = {
  'BL-P001': 'Bambu Lab X1 Carbon',
  'BL-P002': 'Bambu Lab X1',
  C13: 'Bambu Lab X1E',
  C11: 'Bambu Lab P1P',
  C12: 'Bambu Lab P1S',
  N1: 'Bambu Lab A1 mini',
  N2S: 'Bambu Lab A1',
  O1D: 'Bambu Lab H2D',
};

const MAX_ENTRY_BYTES = 4 * 1024 * 1024;
const MAX_PLATES = 64;
const MAX_ENTRIES = 20_000;

interface Entry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  offset: number;
}

export async function readZipDirectory(reader: RangeReader): Promise<Map<string, Entry>> {
  const tailLength = Math.min(reader.size, 65_557);
  const tail = await reader.read(reader.size - tailLength, tailLength);
  let eocd = -1;
  for (let index = tail.length - 22; index >= 0; index--) {
    if (tail.readUInt32LE(index) === 0x06054b50) {
      eocd = index;
      break;
    }
  }
  if (eocd < 0) throw new ThreeMfError('Not a 3MF: no ZIP directory');
  const count = tail.readUInt16LE(eocd + 10);
  const size = tail.readUInt32LE(eocd + 12);
  const offset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    throw new ThreeMfError('ZIP64 archives are not supported');
  }
  if (count > MAX_ENTRIES || offset + size > reader.size) throw new ThreeMfError('Not a 3MF: damaged ZIP directory');
  const directory = await reader.read(offset, size);
  const entries = new Map<string, Entry>();
  let at = 0;
  for (let index = 0; index < count; index++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== 0x02014b50) {
      throw new ThreeMfError('Not a 3MF: damaged ZIP directory');
    }
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const name = directory.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    entries.set(name, {
      name,
      method: directory.readUInt16LE(at + 10),
      compressedSize: directory.readUInt32LE(at + 20),
      size: directory.readUInt32LE(at + 24),
      offset: directory.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

export async function readZipEntry(reader: RangeReader, entry: Entry): Promise<Buffer> {
  if (entry.size > MAX_ENTRY_BYTES || entry.compressedSize > MAX_ENTRY_BYTES) {
    throw new ThreeMfError(`3MF entry ${entry.name} is too large to read`);
  }
  const local = await reader.read(entry.offset, 30);
  if (local.length < 30 || local.readUInt32LE(0) !== 0x04034b50) throw new ThreeMfError('Not a 3MF: damaged entry');
  const start = entry.offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  const data = await reader.read(start, entry.compressedSize);
  if (entry.method === 0) return data;
  if (entry.method === 8) {
    try {
      return inflateRawSync(data, { maxOutputLength: MAX_ENTRY_BYTES });
    } catch {
      throw new ThreeMfError(`3MF entry ${entry.name} does not inflate`);
    }
  }
  throw new ThreeMfError(`3MF entry ${entry.name} uses an unsupported compression (${entry.method})`);
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp);/g, (_match, name: string) =>
    name === 'lt' ? '<' : name === 'gt' ? '>' : name === 'quot' ? '"' : name === 'apos' ? "'" : '&',
  );
}

function attributes(tag: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const match of tag.matchAll(/([A-Za-z_][\w.-]*)\s*=\s*"([^"]*)"/g)) values[match[1]] = unescapeXml(match[2]);
  return values;
}

const number = (value: string | undefined): number | null => {
  if (value === undefined || value.trim() === '') return null;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
};

function color(value: string | undefined): string | null {
  const match = /^#?([0-9a-f]{6})(?:[0-9a-f]{2})?$/i.exec(value?.trim() ?? '');
  return match ? `#${match[1].toUpperCase()}` : null;
}

/** `slice_info.config`: the header's client and version, and one entry per `<plate>`. */
export function parseSliceInfo(xml: string): { slicer: string | null; version: string | null; plates: PlateInfo[] } {
  const header: Record<string, string> = {};
  for (const match of xml.matchAll(/<header_item\b[^>]*>/g)) {
    const { key, value } = attributes(match[0]);
    if (key) header[key] = value ?? '';
  }
  const plates: PlateInfo[] = [];
  for (const match of xml.matchAll(/<plate\b[^>]*>([\s\S]*?)<\/plate>/g)) {
    if (plates.length >= MAX_PLATES) break;
    const body = match[1];
    const meta: Record<string, string> = {};
    for (const item of body.matchAll(/<metadata\b[^>]*>/g)) {
      const { key, value } = attributes(item[0]);
      if (key) meta[key] = value ?? '';
    }
    const filaments: PlateFilament[] = [];
    for (const item of body.matchAll(/<filament\b[^>]*>/g)) {
      const values = attributes(item[0]);
      const id = number(values.id);
      if (id === null || !Number.isInteger(id) || id < 1 || id > 256) continue;
      filaments.push({
        id,
        type: values.type?.slice(0, 50) || null,
        color: color(values.color),
        usedGrams: number(values.used_g),
        usedMeters: number(values.used_m),
      });
    }
    const index = number(meta.index);
    if (index === null || !Number.isInteger(index) || index < 1) continue;
    plates.push({
      index,
      sliced: false,
      estimatedTimeSeconds: number(meta.prediction),
      weightGrams: number(meta.weight),
      printerModelId: meta.printer_model_id?.slice(0, 50) || null,
      nozzleDiameterMm: number(meta.nozzle_diameters?.split(/[,;]/)[0]),
      filaments,
    });
  }
  const slicer = header['X-BBL-Client-Type'] === 'slicer' ? 'BambuStudio' : (header['X-BBL-Client-Type'] ?? null);
  return { slicer, version: header['X-BBL-Client-Version'] ?? null, plates };
}

/** Reads a project 3MF's plates and printer. A 3MF with no sliced plate is refused (nothing to print). */
export async function readThreeMf(reader: RangeReader): Promise<ThreeMfInfo> {
  const entries = await readZipDirectory(reader);
  if (!entries.has('3D/3dmodel.model') && !entries.has('[Content_Types].xml')) {
    throw new ThreeMfError('Not a 3MF: the archive has no 3D model');
  }
  const text = async (name: string) => {
    const entry = entries.get(name);
    return entry ? (await readZipEntry(reader, entry)).toString('utf8') : null;
  };
  const sliceInfo = await text('Metadata/slice_info.config');
  const parsed = sliceInfo ? parseSliceInfo(sliceInfo) : { slicer: null, version: null, plates: [] };
  for (const plate of parsed.plates) plate.sliced = entries.has(`Metadata/plate_${plate.index}.gcode`);
  // plate_<n>.json fills in colours a slice_info without <filament> entries lacks.
  for (const plate of parsed.plates) {
    if (plate.filaments.length) continue;
    const json = await text(`Metadata/plate_${plate.index}.json`);
    if (!json) continue;
    try {
      const data = JSON.parse(json) as { filament_colors?: unknown; filament_ids?: unknown };
      const colors = Array.isArray(data.filament_colors) ? data.filament_colors : [];
      const ids = Array.isArray(data.filament_ids) ? data.filament_ids : [];
      ids.slice(0, 256).forEach((id, position) => {
        if (typeof id === 'number' && Number.isInteger(id) && id >= 0) {
          const value = colors[position];
          plate.filaments.push({
            id: id + 1,
            type: null,
            color: color(typeof value === 'string' ? value : undefined),
            usedGrams: null,
            usedMeters: null,
          });
        }
      });
    } catch {
      // A broken plate JSON only loses colours.
    }
  }
  if (!parsed.plates.some((plate) => plate.sliced)) {
    throw new ThreeMfError(
      'This 3MF has no sliced plate: slice it and export the plate (File > Export plate sliced file)',
    );
  }
  let printerModel: string | null = null;
  const settings = await text('Metadata/project_settings.config').catch(() => null);
  if (settings) {
    try {
      const data = JSON.parse(settings) as { printer_model?: unknown };
      if (typeof data.printer_model === 'string' && data.printer_model) printerModel = data.printer_model.slice(0, 100);
    } catch {
      // Settings are optional.
    }
  }
  const printerModelId = parsed.plates.find((plate) => plate.printerModelId)?.printerModelId ?? null;
  printerModel ??= printerModelId ? (BAMBU_MODEL_IDS[printerModelId] ?? null) : null;
  return { slicer: parsed.slicer, slicerVersion: parsed.version, printerModel, printerModelId, plates: parsed.plates };
}

/** Builds a small ZIP (stored or deflated entries), for tests and the simulator. */
export function writeZip(files: Record<string, string | Buffer>, deflate = true): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const raw = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const data = deflate ? deflateRawSync(raw) : raw;
    const crc = crc32(raw);
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** A RangeReader over a buffer (tests; small files). */
export function bufferReader(data: Buffer): RangeReader {
  return { size: data.length, read: (start, length) => Promise.resolve(data.subarray(start, start + length)) };
}
