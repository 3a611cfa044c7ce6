import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';

/** Paths pino masks in case a secret ever reaches a log call; the code also never passes them on purpose. */
const REDACTED = [
  'credential',
  '*.credential',
  'apiKey',
  '*.apiKey',
  'octoprintApiKey',
  '*.octoprintApiKey',
  'token',
  '*.token',
  'deviceCode',
  '*.deviceCode',
  'authorization',
  '*.authorization',
  'headers["x-api-key"]',
  'password',
  '*.password',
  'accessCode',
  '*.accessCode',
  'secret',
  '*.secret',
];

export function createLogger(level = 'info', destination?: DestinationStream): Logger {
  const options = { level, base: { role: 'agent' }, redact: { paths: REDACTED, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
