import { z } from 'zod';

import { epochMillisSchema } from './common.schema';
import { MAX_CAMERA_LEASE_MS, MAX_LIVE_FPS } from './protocol.constants';

/** Optional greeting the server sends after accepting a hello; agents work without it. */
export const welcomeSchema = z.object({
  protocolVersion: z.number().int().positive(),
  printerId: z.string().min(1).max(64),
  serverTime: epochMillisSchema,
  /** Overrides the agent's frame upload interval while printing, in seconds. */
  frameIntervalSeconds: z.number().int().min(1).max(3_600).optional(),
  /** The agent release this server serves at `/agent/farmhand-agent.cjs`; an older agent says it is out of date. */
  latestAgentVersion: z.string().min(1).max(64).optional(),
});
export type Welcome = z.infer<typeof welcomeSchema>;

/** The printer's settings the agent applies, sent whenever an operator changes them. */
export const agentSettingsSchema = z.object({
  /** The frame upload interval while printing, in seconds. */
  frameIntervalSeconds: z.number().int().min(1).max(3_600),
});
export type AgentSettings = z.infer<typeof agentSettingsSchema>;

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

/**
 * Asks the agent to stream its camera as repeated snapshots at `fps` over this connection. The agent stops when
 * `leaseMs` passes without another `camera_stream` (the server renews it while someone watches), on `fps: 0`, and
 * when the connection drops: a lost stop message cannot leave a camera streaming.
 */
export const cameraStreamSchema = z.object({
  /** May be fractional: a camera wall asks for 0.5-2 fps. */
  fps: z.number().min(0).max(MAX_LIVE_FPS),
  leaseMs: z.number().int().min(1_000).max(MAX_CAMERA_LEASE_MS),
});
export type CameraStream = z.infer<typeof cameraStreamSchema>;
