import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { RequestContext } from './request-context';

/** Keys whose values never reach a log line, wherever they appear. */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'credential',
  '*.credential',
  'apiKey',
  '*.apiKey',
  'code',
  '*.code',
  'userCode',
  '*.userCode',
  'deviceCode',
  '*.deviceCode',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
];

/** `destination`: where lines go instead of stdout (tests read them to follow a correlation id). */
export function createLogger(
  role: string,
  level: string = process.env.LOG_LEVEL ?? 'info',
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level,
    base: { role, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    mixin() {
      const context = RequestContext.current();
      return context ? { correlationId: context.correlationId, orgId: context.orgId } : {};
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
