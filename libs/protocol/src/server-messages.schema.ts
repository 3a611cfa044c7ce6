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
