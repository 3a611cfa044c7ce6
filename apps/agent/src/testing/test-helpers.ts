import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pino from 'pino';
import type { Logger } from 'pino';

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** A small G-code file the simulator prints for `seconds` simulated seconds. */
export function gcodeFile(seconds: number, name = 'part.gcode'): { path: string; size: number; text: string } {
  const text = `;TIME:${seconds}\n;LAYER_COUNT:40\nM140 S60\nM104 S210\nG28\nG1 X10 Y10 Z0.2\n`;
  const path = join(mkdtempSync(join(tmpdir(), 'farmhand-agent-test-')), name);
  writeFileSync(path, text);
  return { path, size: Buffer.byteLength(text), text };
}
