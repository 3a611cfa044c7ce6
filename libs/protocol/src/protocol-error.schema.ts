import { z } from 'zod';

import { MAX_ERROR_MESSAGE_LENGTH } from './protocol.constants';

export const PROTOCOL_ERROR_CODES = [
  'malformed',
  'unknown_event',
  'too_large',
  'unsupported_version',
  'rate_limited',
  'internal',
  /** A multiplexed message for a printer that is not attached on that socket. */
  'not_attached',
] as const;
export const protocolErrorCodeSchema = z.enum(PROTOCOL_ERROR_CODES);
export type ProtocolErrorCode = z.infer<typeof protocolErrorCodeSchema>;

/** The answer to a message that could not be accepted; the offending message is dropped. */
export const protocolErrorSchema = z.object({
  code: protocolErrorCodeSchema,
  message: z.string().max(MAX_ERROR_MESSAGE_LENGTH),
  /** The event name the offending message arrived on, when it was a string. */
  event: z.string().max(64).optional(),
  /** The offending message's `id`, when one could be read (lets the server fail a pending command fast). */
  id: z.string().max(64).optional(),
  /** On a multiplexed socket: the printer the refused message was for. */
  printerId: z.string().max(64).optional(),
});
export type ProtocolError = z.infer<typeof protocolErrorSchema>;
