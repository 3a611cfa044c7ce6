import { AGENT_EVENTS, MAX_LIVE_FPS } from '@farmhand/protocol';
import { AGENT_LIMITS } from '../agents.limits';

/** A token bucket: `capacity` at once, refilled at `perSecond`. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
  }

  take(now: number): boolean {
    if (!this.peek(now)) return false;
    this.tokens -= 1;
    return true;
  }

  /** Gives back a token taken for something that turned out not to count. */
  refund(): void {
    this.tokens = Math.min(this.capacity, this.tokens + 1);
  }

  /** Whether a token is there now, without taking it. */
  peek(now: number): boolean {
    this.tokens = Math.min(this.capacity, this.tokens + (Math.max(now - this.updatedAt, 0) / 1000) * this.perSecond);
    this.updatedAt = now;
    return this.tokens >= 1;
  }
}

export type ThrottleLimits = Record<
  | 'burstEvents'
  | 'eventsPerSecond'
  | 'burstMessages'
  | 'messagesPerSecond'
  | 'burstViolations'
  | 'violationsPerSecond'
  | 'throttleNoticeMs',
  number
>;

/**
 * One printer's message allowance. Messages over the rate are dropped; refused messages of any kind count as
 * violations, and a printer that keeps sending them after its violation allowance is gone gets disconnected, so a
 * flooding agent costs the server a bounded amount of work and never delays another agent's messages.
 */
export class MessageThrottle {
  private readonly events: TokenBucket;
  private readonly messages: TokenBucket;
  private readonly violations: TokenBucket;
  /** Live camera frames have their own allowance: the fastest stream a server may ask for, plus jitter. */
  private readonly frames: TokenBucket;
  private lastNoticeAt = Number.NEGATIVE_INFINITY;
  /** Sockets of the printer on this instance using this allowance, and when the last one went away. */
  holders = 0;
  releasedAt = 0;

  constructor(
    now: number,
    private readonly limits: ThrottleLimits = AGENT_LIMITS,
  ) {
    this.events = new TokenBucket(limits.burstEvents, limits.eventsPerSecond, now);
    this.messages = new TokenBucket(limits.burstMessages, limits.messagesPerSecond, now);
    this.violations = new TokenBucket(limits.burstViolations, limits.violationsPerSecond, now);
    this.frames = new TokenBucket(2 * MAX_LIVE_FPS, MAX_LIVE_FPS + 5, now);
  }

  /** Whether one more message named `event` may be processed now. */
  admit(event: unknown, now: number): boolean {
    if (event === AGENT_EVENTS.cameraFrame) return this.frames.take(now);
    return event === AGENT_EVENTS.event ? this.events.take(now) : this.messages.take(now);
  }

  /** Counts a refused message; true when the sender has used up its allowance and must be disconnected. */
  violation(now: number): boolean {
    return !this.violations.take(now);
  }

  /** Whether a throttled sender should be told again (at most once per `throttleNoticeMs`). */
  shouldNotify(now: number): boolean {
    if (now - this.lastNoticeAt < this.limits.throttleNoticeMs) return false;
    this.lastNoticeAt = now;
    return true;
  }
}
