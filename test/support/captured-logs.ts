import { Writable } from 'node:stream';
import { REDACTED_PATHS } from '@farmhand/core';
import pino, { type Logger } from 'pino';

/** Every log line of a process, at the most verbose level, kept in memory (to prove secrets never reach them). */
export interface CapturedLogs {
  logger: Logger;
  lines: string[];
  /** The parsed lines whose `msg` is `message`. */
  find(message: string): Array<Record<string, unknown>>;
}

export function captureLogs(role: string): CapturedLogs {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  // The production logger's options (createLogger), with a destination the test reads.
  const logger = pino(
    { level: 'trace', base: { role }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    stream,
  );
  const find = (message: string) =>
    lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === message);
  return { logger, lines, find };
}
