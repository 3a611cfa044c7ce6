/**
 * Explicit limits of the agent link. Per-socket limits are kept in memory: a socket lives on one api instance, so
 * its counters need no Redis round trip.
 */
export const AGENT_LIMITS = {
  /** Live state and presence expire unless refreshed; agents send a status heartbeat at least every 30 s. */
  presenceTtlMs: 90_000,
  /**
   * Messages one printer may send (allowances survive a reconnect to the same instance for `throttleMemoryMs`).
   * Events come in bursts after a reconnect (the agent's backlog holds up to 500); statuses come at most once a
   * second plus a heartbeat, so everything else has a small allowance.
   */
  burstEvents: 600,
  eventsPerSecond: 10,
  burstMessages: 60,
  messagesPerSecond: 10,
  /** Refused messages (throttled, malformed, oversized) one printer may send before its socket is closed. */
  burstViolations: 100,
  violationsPerSecond: 1,
  throttleMemoryMs: 60_000,
  /** A throttled sender is told at most this often, so that answering a flood does not double it. */
  throttleNoticeMs: 1_000,
  /** Handshakes one printer may make per minute (a reconnect loop must not hammer the database). */
  connectsPerMinute: 30,
  /** `printers.last_seen_at` is written on transitions, on connect and disconnect, and at most this often. */
  lastSeenCheckpointMs: 5 * 60_000,
  /** Print event ids are remembered this long to drop the duplicates an agent resends after a reconnect. */
  eventDedupeSeconds: 24 * 3600,
  /** Revoked credential ids are remembered this long to close a connection that raced the revocation. */
  revocationMemorySeconds: 600,
  /** A stopping instance asks its agents to reconnect within this window (spread, so the others are not stampeded). */
  shutdownReconnectWithinMs: 5_000,
  /** A multiplexed gateway socket that has no printer attached this long is closed. */
  gatewayAttachWithinMs: 30_000,
  /** Multiplexed gateway handshakes per source address per minute (each attach is limited per printer on top). */
  gatewayConnectsPerMinute: 60,
  /**
   * Refused credentials one gateway socket may present in `attach`: a burst (as large as the printers a socket may
   * carry, all attaching at once after a reconnect), then this many a second.
   */
  gatewayFailedAttachBurst: 500,
  gatewayFailedAttachesPerSecond: 5,
} as const;

/** Command timeouts: the default per command type, and the bounds a caller may choose within. */
export const COMMAND_TIMEOUTS = {
  defaultMs: 15_000,
  connectMs: 30_000,
  snapshotMs: 30_000,
  startMs: 20_000,
  dispatchMs: 10 * 60_000,
  minMs: 1_000,
  maxMs: 30 * 60_000,
  /** A delivery not answered within this share of the timeout (at least `minAttemptMs`) is sent again, same id. */
  attemptShare: 1 / 3,
  minAttemptMs: 5_000,
  /** How long to wait before redelivering when the agent dropped off after a first delivery. */
  redeliveryPauseMs: 250,
} as const;

/** One printer = one socket.io room, joined only by the socket whose credential names that printer. */
export function agentRoom(printerId: string): string {
  return `printer:${printerId}`;
}

/**
 * The room of a printer attached on a gateway's multiplexed socket: separate from `agentRoom`, because closing a
 * printer's sockets must not close a gateway socket carrying other printers (its attachment is ended instead).
 */
export function gatewayRoom(printerId: string): string {
  return `printer-gw:${printerId}`;
}
