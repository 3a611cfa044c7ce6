import { MessageThrottle, TokenBucket } from './message-throttle';

const limits = {
  burstEvents: 5,
  eventsPerSecond: 1,
  burstMessages: 3,
  messagesPerSecond: 2,
  burstViolations: 4,
  violationsPerSecond: 1,
  throttleNoticeMs: 1_000,
};

describe('TokenBucket', () => {
  it('allows a burst, then refills at its rate', () => {
    const bucket = new TokenBucket(3, 2, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.take(400)).toBe(false);
    expect(bucket.take(500)).toBe(true);
    expect(bucket.take(10_000)).toBe(true);
  });

  it('does not refill when the clock goes backwards', () => {
    const bucket = new TokenBucket(1, 1, 1_000);
    expect(bucket.take(1_000)).toBe(true);
    expect(bucket.take(0)).toBe(false);
  });
});

describe('MessageThrottle', () => {
  it('gives a reconnect backlog of events its own, larger allowance', () => {
    const throttle = new MessageThrottle(0, limits);
    const statuses = Array.from({ length: 4 }, () => throttle.admit('status', 0));
    const events = Array.from({ length: 6 }, () => throttle.admit('event', 0));
    expect(statuses).toEqual([true, true, true, false]);
    expect(events).toEqual([true, true, true, true, true, false]);
  });

  it('asks for a disconnect once the violation allowance is spent', () => {
    const throttle = new MessageThrottle(0, limits);
    const verdicts = Array.from({ length: 5 }, () => throttle.violation(0));
    expect(verdicts).toEqual([false, false, false, false, true]);
  });

  it('tells a throttled sender at most once per notice period', () => {
    const throttle = new MessageThrottle(0, limits);
    expect([throttle.shouldNotify(0), throttle.shouldNotify(500), throttle.shouldNotify(1_000)]).toEqual([
      true,
      false,
      true,
    ]);
  });
});
