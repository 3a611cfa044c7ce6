/**
 * Which G-code the agent refuses to forward, whoever asks. The defaults block commands that persist or wipe
 * firmware settings, flash firmware, write files to the SD card, switch off safety checks, or restart a
 * halted printer (which would mask a thermal runaway), plus heater targets above sane limits.
 * Emergency stop (M112) stays allowed: it is a safety action.
 */
export const DEFAULT_GCODE_BLOCKLIST: readonly string[] = [
  'M28', // begin writing a file to SD
  'M29', // stop writing to SD
  'M30', // delete an SD file
  'M121', // disable endstops
  'M211', // software endstops on/off
  'M301', // set hotend PID values
  'M302', // allow cold extrusion
  'M303', // PID autotune (heats unattended)
  'M304', // set bed PID values
  'M500', // store settings in EEPROM
  'M502', // factory reset settings
  'M997', // firmware update
  'M999', // restart after a firmware halt
];

export interface GcodePolicyOptions {
  blocklist?: readonly string[];
  maxToolTemperature?: number;
  maxBedTemperature?: number;
}

export type PolicyVerdict = { ok: true } | { ok: false; reason: string };

const TOOL_HEATING = new Set(['M104', 'M109']);
const BED_HEATING = new Set(['M140', 'M190']);

export class GcodePolicy {
  readonly maxToolTemperature: number;
  readonly maxBedTemperature: number;
  private readonly blocked: Set<string>;

  constructor(options: GcodePolicyOptions = {}) {
    this.blocked = new Set(
      (options.blocklist ?? DEFAULT_GCODE_BLOCKLIST).map(normalizeCode).filter(Boolean) as string[],
    );
    this.maxToolTemperature = options.maxToolTemperature ?? 300;
    this.maxBedTemperature = options.maxBedTemperature ?? 120;
  }

  checkTemperature(heater: 'tool0' | 'bed', target: number): PolicyVerdict {
    const max = heater === 'bed' ? this.maxBedTemperature : this.maxToolTemperature;
    return target <= max
      ? { ok: true }
      : { ok: false, reason: `${heater} target ${target} exceeds the limit of ${max}` };
  }

  /** Every G/M code on a line is checked: some firmwares run more than one command per line. */
  checkLines(lines: readonly string[]): PolicyVerdict {
    for (const [index, raw] of lines.entries()) {
      const line = stripComment(raw);
      if (line.startsWith('!!')) return { ok: false, reason: `line ${index + 1}: debug commands are blocked` };
      const upper = line.toUpperCase();
      const words = [...upper.matchAll(/([GM])\s*(\d+)(?:\.\d+)?/g)];
      for (const [position, word] of words.entries()) {
        const code = `${word[1]}${Number(word[2])}`;
        if (this.blocked.has(code)) return { ok: false, reason: `line ${index + 1}: ${code} is blocked on this agent` };
        if (!TOOL_HEATING.has(code) && !BED_HEATING.has(code)) continue;
        const parameters = upper.slice(word.index + word[0].length, words[position + 1]?.index ?? upper.length);
        for (const parameter of parameters.matchAll(/([SR])\s*(-?\d+(?:\.\d+)?)/g)) {
          const verdict = this.checkTemperature(TOOL_HEATING.has(code) ? 'tool0' : 'bed', Number(parameter[2]));
          if (!verdict.ok) return { ok: false, reason: `line ${index + 1}: ${verdict.reason}` };
        }
      }
    }
    return { ok: true };
  }
}

function stripComment(line: string): string {
  const semicolon = line.indexOf(';');
  return (semicolon >= 0 ? line.slice(0, semicolon) : line)
    .replace(/\([^)]*\)/g, '')
    .replace(/^\s*N\d+\s*/i, '')
    .replace(/\*\d+\s*$/, '')
    .trim();
}

function normalizeCode(code: string): string | null {
  const match = /^\s*([GMT])\s*0*(\d+)\s*$/i.exec(code);
  return match ? `${match[1].toUpperCase()}${Number(match[2])}` : null;
}
