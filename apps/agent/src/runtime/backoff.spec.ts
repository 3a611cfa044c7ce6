import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  const policy = { baseMs: 1_000, capMs: 60_000 };

  it('doubles from the base with jitter between half and the full delay', () => {
    expect(backoffDelay(0, policy, () => 0)).toBe(500);
    expect(backoffDelay(0, policy, () => 1)).toBe(1_000);
    expect(backoffDelay(3, policy, () => 0)).toBe(4_000);
    expect(backoffDelay(3, policy, () => 1)).toBe(8_000);
  });

  it('never exceeds the 60 s cap however many attempts failed', () => {
    for (const attempt of [6, 10, 100, Number.POSITIVE_INFINITY]) {
      expect(backoffDelay(attempt, policy, () => 1)).toBe(60_000);
      expect(backoffDelay(attempt, policy, () => 0)).toBe(30_000);
    }
  });
});
