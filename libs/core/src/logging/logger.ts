import pino, { type Logger } from 'pino';
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

export function createLogger(role: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { role, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    mixin() {
      const context = RequestContext.current();
      return context ? { correlationId: context.correlationId, orgId: context.orgId } : {};
    },
  });
}
