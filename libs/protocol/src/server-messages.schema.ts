import { z } from 'zod';

import { epochMillisSchema } from './common.schema';

/** Optional greeting the server sends after accepting a hello; agents work without it. */
export const welcomeSchema = z.object({
  protocolVersion: z.number().int().positive(),
  printerId: z.string().min(1).max(64),
  serverTime: epochMillisSchema,
  /** Overrides the agent's frame upload interval while printing, in seconds. */
  frameIntervalSeconds: z.number().int().min(1).max(3_600).optional(),
});
export type Welcome = z.infer<typeof welcomeSchema>;

/** Longest reconnect window a server may ask for: agents must not stay away for long. */
export const MAX_RECONNECT_WITHIN_MS = 60_000;

/**
 * Sent before the server closes an agent's socket because its instance is stopping (a deploy, a scale-down): the
 * agent reconnects after a random delay within `reconnectWithinMs` (a load balancer sends it to another instance)
 * instead of its exponential backoff, which is meant for a server that is down.
 */
export const serverClosingSchema = z.object({
  reason: z.enum(['shutdown']),
  reconnectWithinMs: z.number().int().min(0).max(MAX_RECONNECT_WITHIN_MS),
});
export type ServerClosing = z.infer<typeof serverClosingSchema>;
