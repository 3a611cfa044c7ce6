import { z } from 'zod';

import { MAX_ERROR_MESSAGE_LENGTH } from './protocol.constants';

/**
 * Protocol 2: a farm gateway multiplexes many printers over one socket. The handshake carries no credential, only
 * `{ multiplex: 2 }`; each printer is then attached with its own credential, which the server verifies exactly as a
 * single-printer handshake and binds to that socket. Every printer message travels in a `printer` envelope naming
 * the printer; the server refuses (and logs) an envelope for a printer not attached on that socket.
 */
export const MULTIPLEX_VERSION = 2;

/** Events a gateway emits on a multiplexed socket (besides `protocol_error`). */
export const GATEWAY_EVENTS = {
  /** `{ credential }`, acknowledged with an `AttachResult`. */
  attach: 'attach',
  /** `{ printerId }`: the gateway stops serving the printer (it goes offline). */
  detach: 'detach',
  /** A printer's message: `{ printerId, event, data }`, `event` one of the single-printer agent events. */
  printer: 'printer',
} as const;

/** Events the server emits on a multiplexed socket (besides `protocol_error` and `server_closing`). */
export const GATEWAY_SERVER_EVENTS = {
  /** A server message for one printer: `{ printerId, event, data }` (a command's acknowledgement is the result). */
  printer: 'printer',
  /** The server ended one printer's attachment; the socket and the other printers stay. */
  detached: 'detached',
} as const;

/** Printers one multiplexed socket may carry; a gateway opens one socket per `GATEWAY_PRINTERS_PER_SOCKET`. */
export const MAX_ATTACHMENTS_PER_SOCKET = 500;
export const GATEWAY_PRINTERS_PER_SOCKET = 200;

const printerIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'not a printer id');

export const attachSchema = z.object({ credential: z.string().min(1).max(512) });
export type Attach = z.infer<typeof attachSchema>;

export const ATTACH_ERROR_CODES = [
  'unauthorized',
  'rate_limited',
  'too_many_printers',
  'malformed',
  'server_closing',
  'unavailable',
] as const;

export const attachResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), printerId: printerIdSchema }),
  z.object({
    ok: z.literal(false),
    code: z.enum(ATTACH_ERROR_CODES),
    message: z.string().max(MAX_ERROR_MESSAGE_LENGTH),
  }),
]);
export type AttachResult = z.infer<typeof attachResultSchema>;

export const detachSchema = z.object({ printerId: printerIdSchema });
export type Detach = z.infer<typeof detachSchema>;

/** The envelope of one printer's message, either way. `data` is validated as the named event's own message. */
export const printerEnvelopeSchema = z.object({
  printerId: printerIdSchema,
  event: z.string().min(1).max(64),
  data: z.unknown(),
});
export type PrinterEnvelope = z.infer<typeof printerEnvelopeSchema>;

export const DETACH_REASONS = ['revoked', 'replaced', 'abusive', 'deleted', 'requested', 'failed'] as const;
export type DetachReason = (typeof DETACH_REASONS)[number];

export const detachedSchema = z.object({
  printerId: printerIdSchema,
  reason: z.enum(DETACH_REASONS),
});
export type Detached = z.infer<typeof detachedSchema>;
