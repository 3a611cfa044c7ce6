/** Axis-aligned box of every extruding move, in millimetres, in the file's own coordinate system. */
export interface GcodeExtent {
  min: { x: number; y: number; z: number };
  max: { x: number; y: number; z: number };
}

export type ThumbnailFormat = 'png' | 'jpg' | 'qoi';

/** A preview image embedded by the slicer (`; thumbnail begin 300x300 1234` ... `; thumbnail end`). */
export interface GcodeThumbnail {
  format: ThumbnailFormat;
  width: number;
  height: number;
  data: Buffer;
}

/**
 * What the slicer said about the print, plus the extent measured from the moves. Every field is null when the
 * file does not say; plain JSON, fit for a jsonb column (thumbnails are kept apart because they are binary).
 */
export interface GcodeMetadata {
  /** 'PrusaSlicer', 'OrcaSlicer', 'BambuStudio', 'Cura', 'SuperSlicer', ... as the file names it. */
  slicer: string | null;
  slicerVersion: string | null;
  estimatedTimeSeconds: number | null;
  /** Sum over all extruders. */
  filamentLengthMm: number | null;
  filamentWeightGrams: number | null;
  /** Material of the first filament the print uses ('PLA', 'PETG', ...). Cura does not write it: null. */
  material: string | null;
  /** Distinct materials of the filaments the print uses, in extruder order. */
  materials: string[];
  /** `#rrggbb` of the first filament the print uses (PrusaSlicer, OrcaSlicer, Bambu Studio `filament_colour`). */
  colorHex: string | null;
  nozzleDiameterMm: number | null;
  layerHeightMm: number | null;
  /** The printer the file was sliced for ('MK4S', 'Bambu Lab X1 Carbon', 'Creality Ender-3 Pro'). */
  printerModel: string | null;
  /** From the moves, not from slicer comments; null when no extruding move was found. */
  extent: GcodeExtent | null;
  /** `bgcode` (Prusa binary G-code) or `3mf` (Bambu/Orca project with plate G-code); absent: plain G-code. */
  format?: 'gcode' | 'bgcode' | '3mf';
  /** A 3MF's plates: which are sliced, time, weight, and per filament its id (AMS mapping index + 1), type, colour. */
  plates?: Array<{
    index: number;
    sliced: boolean;
    estimatedTimeSeconds: number | null;
    weightGrams: number | null;
    filaments: Array<{
      id: number;
      type: string | null;
      color: string | null;
      usedGrams: number | null;
      usedMeters: number | null;
    }>;
  }>;
}

export interface GcodeAnalysis {
  /** Lower-case hex sha256 of the exact bytes received. */
  sha256: string;
  sizeBytes: number;
  lineCount: number;
  metadata: GcodeMetadata;
  thumbnails: GcodeThumbnail[];
}
