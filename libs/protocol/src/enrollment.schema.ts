import { z } from 'zod';

/** HTTP contract between `farmhand-agent enroll` and the server's enrollment endpoints. */
export const agentInfoSchema = z.object({
  version: z.string().min(1).max(64),
  hostname: z.string().min(1).max(255),
});
export type AgentInfo = z.infer<typeof agentInfoSchema>;

const credentialSchema = z.string().min(16).max(512);
const serverUrlSchema = z.url({ protocol: /^https?$/ }).max(2_048);

export const redeemRequestSchema = z.object({ token: z.string().min(1).max(512), agent: agentInfoSchema });
export type RedeemRequest = z.infer<typeof redeemRequestSchema>;

export const enrolledSchema = z.object({
  printerId: z.string().min(1).max(64),
  credential: credentialSchema,
  /** Canonical server URL the agent should use from now on; defaults to the one it enrolled with. */
  server: serverUrlSchema.optional(),
  /** From a bulk CSV row's `octoprint_url`, when the admin set one. */
  octoprintUrl: z
    .url({ protocol: /^https?$/ })
    .max(2_048)
    .nullable()
    .optional(),
});
export type Enrolled = z.infer<typeof enrolledSchema>;
export const redeemResponseSchema = enrolledSchema;

export const pairingStartRequestSchema = z.object({ agent: agentInfoSchema });
export type PairingStartRequest = z.infer<typeof pairingStartRequestSchema>;

export const pairingStartResponseSchema = z.object({
  deviceCode: z.string().min(16).max(512),
  userCode: z.string().min(4).max(16),
  verificationUri: z.url({ protocol: /^https?$/ }).max(2_048),
  /** RFC 8628 `verification_uri_complete`: the URL with the user code filled in (what the QR code carries). */
  verificationUriComplete: z
    .url({ protocol: /^https?$/ })
    .max(2_048)
    .optional(),
  expiresIn: z
    .number()
    .int()
    .positive()
    .max(24 * 3600),
  interval: z.number().int().positive().max(300),
});
export type PairingStartResponse = z.infer<typeof pairingStartResponseSchema>;

export const pairingPollRequestSchema = z.object({ deviceCode: z.string().min(16).max(512) });
export type PairingPollRequest = z.infer<typeof pairingPollRequestSchema>;
export const pairingPollResponseSchema = enrolledSchema;

/** Error codes of the poll endpoint, after RFC 8628 section 3.5 (428, 429, 410, 403). */
export const PAIRING_POLL_ERROR_CODES = [
  'authorization_pending',
  'slow_down',
  'expired_token',
  'access_denied',
] as const;

/** Body of every non-2xx answer, as the server's HTTP exception filter writes it. */
export const httpErrorBodySchema = z.object({
  error: z.object({ code: z.string().max(100), message: z.string().max(1_000).optional() }),
});
export type HttpErrorBody = z.infer<typeof httpErrorBodySchema>;
