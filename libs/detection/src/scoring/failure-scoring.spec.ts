import {
  FAILURE_SCORING,
  createFailureScoreState,
  parseFailureScoreState,
  scoreFrame,
  startNewPrint,
  type FailureScoreState,
} from '@farmhand/detection';

function state(overrides: Partial<FailureScoreState>): FailureScoreState {
  return { ...createFailureScoreState(), ...overrides };
}

/** Obico's update + is_failing transcribed line by line, with the 30 undecided frames. */
function obicoReference(prints: number[][], sensitivity: number) {
  const alpha = 2 / (12 + 1);
  let lifetime = 0;
  let long = 0;
  const verdicts: string[] = [];
  const ewms: number[] = [];
  const rollingMean = (p: number, mean: number, count: number, win: number) =>
    mean + (p - mean) / (win <= count ? win : count + 1);
  const failing = (frame: number, ewm: number, short: number, longMean: number, factor: number) => {
    if (frame <= 30) return false;
    const adjusted = ((ewm - longMean) * sensitivity) / factor;
    if (adjusted < 0.38) return false;
    if (adjusted > 0.78) return true;
    return adjusted > (short - longMean) * 3.8;
  };
  for (const print of prints) {
    let frame = 0;
    let ewm = 0;
    let short = 0;
    for (const p of print) {
      frame += 1;
      lifetime += 1;
      ewm = p * alpha + ewm * (1 - alpha);
      short = rollingMean(p, short, frame, 310);
      long = rollingMean(p, long, lifetime, 7200);
      ewms.push(ewm);
      if (failing(frame, ewm, short, long, 1.75)) verdicts.push('pause');
      else if (failing(frame, ewm, short, long, 1)) verdicts.push('warn');
      else verdicts.push('fine');
    }
  }
  return { verdicts, ewms, long, lifetime };
}

describe('failure scoring over time', () => {
  it('keeps the constants of Obico and the issue', () => {
    expect(FAILURE_SCORING).toMatchObject({
      ewmAlpha: 2 / 13,
      shortWindow: 310,
      longWindow: 7200,
      warmUpFrames: 30,
      thresholdLow: 0.38,
      thresholdHigh: 0.78,
      shortMeanMultiple: 3.8,
      pauseFactor: 1.75,
      warnFactor: 1,
      sensitivityMin: 0.8,
      sensitivityMax: 1.2,
    });
  });

  it('updates ewm and both means as computed by hand for the first frames', () => {
    let current = createFailureScoreState();
    const first = scoreFrame(current, 1, 1);
    expect(first.state.ewm).toBeCloseTo(0.153846154, 9); // 2/13
    expect(first.state.shortMean).toBeCloseTo(0.5, 12); // divides by count + 1 = 2
    expect(first.state.longMean).toBeCloseTo(0.5, 12);
    expect(first.adj).toBeCloseTo(-0.346153846, 9);
    current = first.state;
    current = scoreFrame(current, 1, 1).state;
    const third = scoreFrame(current, 1, 1);
    expect(third.state.ewm).toBeCloseTo(866 / 2197, 12); // 1 - (11/13)^3
    expect(third.state.shortMean).toBeCloseTo(0.75, 12); // n / (n + 1)
    expect(third.state.printFrames).toBe(3);
    expect(third.state.lifetimeFrames).toBe(3);
    expect(third.state.lastScore).toBe(1);
  });

  it('makes no decision in the first 30 frames of a print, then pauses on frame 31', () => {
    const frame30 = scoreFrame(
      state({ printFrames: 29, lifetimeFrames: 10_000, ewm: 2, shortMean: 0.5, longMean: 0.1 }),
      2,
      1,
    );
    expect(frame30.decided).toBe(false);
    expect(frame30.verdict).toBe('fine');
    expect(frame30.state.longMean).toBeCloseTo(0.1 + 1.9 / 7200, 12); // window full: divides by 7200
    expect(frame30.adj).toBeCloseTo(2 - (0.1 + 1.9 / 7200), 12);

    const frame31 = scoreFrame(frame30.state, 2, 1);
    expect(frame31.decided).toBe(true);
    expect(frame31.pauseAdj).toBeGreaterThan(0.78);
    expect(frame31.verdict).toBe('pause');
  });

  it('takes a configured warm-up (DETECTION_WARMUP_FRAMES) without changing the constant', () => {
    const start = state({ printFrames: 2, lifetimeFrames: 10_000, ewm: 2, shortMean: 0.5, longMean: 0.1 });
    const third = scoreFrame(start, 2, 1, { warmUpFrames: 3 });
    expect(third.decided).toBe(false);
    const fourth = scoreFrame(third.state, 2, 1, { warmUpFrames: 3 });
    expect(fourth.decided).toBe(true);
    expect(fourth.verdict).toBe('pause');
    // Without the option the same frame is still inside Obico's 30-frame warm-up.
    expect(scoreFrame(third.state, 2, 1).decided).toBe(false);
    expect(FAILURE_SCORING.warmUpFrames).toBe(30);
  });

  it('between the thresholds, warns only when adj exceeds 3.8 x (short - long)', () => {
    const base = { printFrames: 100, lifetimeFrames: 100_000, ewm: 0.6, longMean: 0.1 };
    // short' = 0.2 + 0.4 / 102, long' = 0.1 + 0.5 / 7200, adj = 0.4999306 > 3.8 x 0.1038521 = 0.3946381
    const warned = scoreFrame(state({ ...base, shortMean: 0.2 }), 0.6, 1);
    expect(warned.state.shortMean).toBeCloseTo(0.203921569, 9);
    expect(warned.adj).toBeCloseTo(0.499930556, 9);
    expect(warned.pauseAdj).toBeCloseTo(0.499930556 / 1.75, 9);
    expect(warned.verdict).toBe('warn');
    // short' = 0.3 + 0.3 / 102: 3.8 x 0.2028717 = 0.770913 > adj, so not failing
    const fine = scoreFrame(state({ ...base, shortMean: 0.3 }), 0.6, 1);
    expect(fine.verdict).toBe('fine');
  });

  it('scales adj by the sensitivity, clamped to 0.8-1.2', () => {
    const before = state({ printFrames: 100, lifetimeFrames: 100_000, ewm: 0.55, shortMean: 0.2, longMean: 0.1 });
    // long' = 0.1 + 0.45 / 7200, adj at sensitivity 1 = 0.4499375; bar = 3.8 x (0.2 + 0.35 / 102 - long') = 0.3928018
    expect(scoreFrame(before, 0.55, 0.8).verdict).toBe('fine'); // 0.35995 < 0.38
    expect(scoreFrame(before, 0.55, 1).verdict).toBe('warn');
    const clampedLow = scoreFrame(before, 0.55, 0.1);
    expect(clampedLow.sensitivity).toBe(0.8);
    expect(clampedLow.verdict).toBe('fine');
    const clampedHigh = scoreFrame(before, 0.55, 5);
    expect(clampedHigh.sensitivity).toBe(1.2);
    expect(clampedHigh.adj).toBeCloseTo(0.4499375 * 1.2, 6);
    expect(clampedHigh.verdict).toBe('warn'); // pauseAdj 0.3085 < 0.38
    expect(scoreFrame(before, 0.55, Number.NaN).sensitivity).toBe(1);
  });

  it('matches a transcription of Obico over two prints, keeping the lifetime mean across them', () => {
    // Deterministic sequence: quiet frames, a spaghetti burst, then a second quiet print.
    const noise = (i: number) => ((i * 7919) % 13) / 100;
    const print1 = Array.from({ length: 400 }, (_, i) => (i >= 200 && i < 260 ? 1.6 + noise(i) : noise(i)));
    const print2 = Array.from({ length: 120 }, (_, i) => noise(i + 3));
    const reference = obicoReference([print1, print2], 1.1);

    let current = createFailureScoreState();
    const verdicts: string[] = [];
    const ewms: number[] = [];
    for (const [index, print] of [print1, print2].entries()) {
      if (index > 0) current = startNewPrint(current);
      for (const p of print) {
        // Round trip through JSON each frame, as storage in Redis would.
        const result = scoreFrame(parseFailureScoreState(JSON.parse(JSON.stringify(current))), p, 1.1);
        current = result.state;
        verdicts.push(result.verdict);
        ewms.push(result.state.ewm);
      }
    }
    expect(verdicts).toEqual(reference.verdicts);
    ewms.forEach((ewm, i) => expect(ewm).toBeCloseTo(reference.ewms[i], 12));
    expect(current.longMean).toBeCloseTo(reference.long, 12);
    expect(current.lifetimeFrames).toBe(520);
    expect(current.printFrames).toBe(120);
    // The sequence must exercise every verdict, or this comparison proves little.
    expect(new Set(verdicts)).toEqual(new Set(['fine', 'warn', 'pause']));
  });

  it('starts a new print from zero but keeps the lifetime mean', () => {
    const before = state({
      printFrames: 50,
      lifetimeFrames: 900,
      lastScore: 0.4,
      ewm: 0.3,
      shortMean: 0.2,
      longMean: 0.15,
    });
    expect(startNewPrint(before)).toEqual({ ...before, printFrames: 0, lastScore: 0, ewm: 0, shortMean: 0 });
  });

  it('does not mutate the state it is given', () => {
    const before = createFailureScoreState();
    const copy = { ...before };
    scoreFrame(before, 0.7, 1);
    expect(before).toEqual(copy);
  });

  it('rejects a frame score that would poison the stored state', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, -0.1]) {
      expect(() => scoreFrame(createFailureScoreState(), bad, 1)).toThrow(RangeError);
    }
  });

  it('rejects a stored state that is not one', () => {
    expect(() => parseFailureScoreState({ version: 1, printFrames: 'x' })).toThrow();
    expect(() => parseFailureScoreState({ ...createFailureScoreState(), ewm: -1 })).toThrow();
    expect(() => parseFailureScoreState({ ...createFailureScoreState(), extra: 1 })).toThrow();
    expect(parseFailureScoreState(createFailureScoreState())).toEqual(createFailureScoreState());
  });
});
