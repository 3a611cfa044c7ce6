import {
  activationBlocked,
  comparison,
  currentHeadName,
  missingLabels,
  percentOf,
} from '../../apps/web/src/pages/detector/detector-rules';

describe("the detector page's rules", () => {
  const minimum = { failure: 10, ok: 10 };

  it('says how many labels of each kind are missing before training', () => {
    expect(missingLabels({ labelled: { failure: 3, ok: 9, fromVerdicts: 0, fromPeople: 12 }, minimum })).toBe(
      'Label 7 more failures and 1 more fine frame to train a head.',
    );
    expect(missingLabels({ labelled: { failure: 10, ok: 2, fromVerdicts: 0, fromPeople: 12 }, minimum })).toBe(
      'Label 8 more fine frames to train a head.',
    );
    expect(missingLabels({ labelled: { failure: 40, ok: 10, fromVerdicts: 0, fromPeople: 50 }, minimum })).toBeNull();
  });

  it('activates only a better candidate, and says why not otherwise', () => {
    expect(activationBlocked({ state: 'candidate', better: true })).toBeNull();
    expect(activationBlocked({ state: 'candidate', better: false })).toMatch(/did worse/);
    expect(activationBlocked({ state: 'rejected', better: false })).toMatch(/did worse/);
  });

  it('compares figures in the direction each is better', () => {
    expect(comparison(0.9, 0.7, true)).toBe('better');
    expect(comparison(0.04, 0.12, false)).toBe('better');
    expect(comparison(0.2, 0.12, false)).toBe('worse');
    expect(comparison(null, 0.5, true)).toBe('');
    expect(comparison(0.5, 0.5, true)).toBe('');
    expect(percentOf(0.125)).toBe('12.5%');
    expect(percentOf(null)).toBe('—');
  });

  it('names the current head', () => {
    expect(currentHeadName({ activeHeadId: null, heads: [] })).toBe('the shipped default head');
    expect(currentHeadName({ activeHeadId: 'h3', heads: [{ id: 'h3', version: 3 } as never] })).toBe('head v3');
  });
});
