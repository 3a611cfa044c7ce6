/**
 * Requests published to `device/<serial>/request` (OpenBambuAPI's mqtt.md). The printer answers on
 * `device/<serial>/report` with the same `sequence_id`.
 */
export type BambuRequest = Record<string, Record<string, unknown> & { sequence_id: string; command: string }>;

export class BambuSequence {
  private next = 0;
  /** Sequence ids are decimal strings; ours start high so they cannot be confused with the slicer's. */
  constructor(private readonly base = 20_000) {}

  take(): string {
    this.next = (this.next + 1) % 1_000_000;
    return String(this.base + this.next);
  }
}

export function printControl(sequenceId: string, command: 'pause' | 'resume' | 'stop'): BambuRequest {
  return { print: { sequence_id: sequenceId, command, param: '' } };
}

const MAX_GCODE_LENGTH = 8_192;

export function gcodeLine(sequenceId: string, lines: string[]): BambuRequest {
  const param = lines.map((line) => line.trim()).join('\n') + '\n';
  if (param.length > MAX_GCODE_LENGTH) throw new RangeError(`gcode over ${MAX_GCODE_LENGTH} characters`);
  return { print: { sequence_id: sequenceId, command: 'gcode_line', param } };
}

export function pushAll(sequenceId: string): BambuRequest {
  return { pushing: { sequence_id: sequenceId, command: 'pushall' } };
}

export function getVersion(sequenceId: string): BambuRequest {
  return { info: { sequence_id: sequenceId, command: 'get_version' } };
}

export interface ProjectFileOptions {
  /** Name of the uploaded file at the root of the printer's storage, e.g. `part.3mf`. */
  fileName: string;
  /** 1-based plate number inside the 3MF. */
  plate: number;
  useAms: boolean;
  /** For each filament of the slice (in order), the AMS tray it is fed from (0-15, or 254 for the external spool). */
  amsMapping: number[];
  md5?: string;
  timelapse?: boolean;
  bedLevelling?: boolean;
}

export function projectFile(sequenceId: string, options: ProjectFileOptions): BambuRequest {
  if (!Number.isInteger(options.plate) || options.plate < 1 || options.plate > 64) {
    throw new RangeError('plate must be an integer from 1 to 64');
  }
  for (const tray of options.amsMapping) {
    if (!Number.isInteger(tray) || tray < -1 || tray > 254) throw new RangeError('amsMapping entries must be 0-254');
  }
  const subtask = options.fileName.replace(/\.gcode\.3mf$|\.3mf$/i, '');
  return {
    print: {
      sequence_id: sequenceId,
      command: 'project_file',
      param: `Metadata/plate_${options.plate}.gcode`,
      project_id: '0',
      profile_id: '0',
      task_id: '0',
      subtask_id: '0',
      subtask_name: subtask,
      file: options.fileName,
      url: `file:///sdcard/${options.fileName}`,
      md5: options.md5 ?? '',
      timelapse: options.timelapse ?? false,
      bed_type: 'auto',
      bed_levelling: options.bedLevelling ?? true,
      flow_cali: false,
      vibration_cali: false,
      layer_inspect: false,
      use_ams: options.useAms,
      ams_mapping: options.amsMapping,
    },
  };
}

/**
 * P1/A1 firmware slows down (and has been reported to crash) when asked for a full report too often; Bambu Studio
 * asks at most every 5 minutes on those models. X1/H2 send full reports anyway.
 */
export const PUSHALL_MIN_INTERVAL_MS = 5 * 60_000;

export class PushAllLimiter {
  private last = -Infinity;
  constructor(
    private readonly minIntervalMs = PUSHALL_MIN_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** True (and counted) when a pushall may be sent now. */
  tryTake(): boolean {
    const now = this.now();
    if (now - this.last < this.minIntervalMs) return false;
    this.last = now;
    return true;
  }
}
