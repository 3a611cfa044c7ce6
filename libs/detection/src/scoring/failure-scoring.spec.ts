import {
  FAILURE_SCORING,
  acceptPrintLevel,
  createFailureScoreState,
  markPrintAlerted,
  parseFailureScoreState,
  scoreFrame,
  settlePrint,
  startNewPrint,
  type FailureScoreState,
  type FailureVerdict,
  type ScoringOptions,
} from '@farmhand/detection';

const CLEAN = 0.02;
const SPAGHETTI = 0.98;

/** Scores a sequence frame by frame (through a JSON round trip, as Redis stores it) and collects the verdicts. */
function feed(
  state: FailureScoreState,
  scores: number[],
  sensitivity = 1,
  options: ScoringOptions = {},
): { state: FailureScoreState; verdicts: FailureVerdict[] } {
  const verdicts: FailureVerdict[] = [];
  let current = state;
  for (const p of scores) {
    const result = scoreFrame(parseFailureScoreState(JSON.parse(JSON.stringify(current))), p, sensitivity, options);
    current = result.state;
    verdicts.push(result.verdict);
  }
  return { state: current, verdicts };
}

const frames = (n: number, p: number) => Array<number>(n).fill(p);
/** A printer with many clean prints behind it. */
function established(): FailureScoreState {
  let state = createFailureScoreState();
  for (let print = 0; print < 5; print++) state = startNewPrint(feed(state, frames(200, CLEAN)).state);
  return state;
}

describe('failure scoring over time', () => {
  it('keeps the constants it documents', () => {
    expect(FAILURE_SCORING).toMatchObject({
      ewmAlpha: 0.3,
      shortWindow: 310,
      longWindow: 7200,
      shortPriorWeight: 30,
      cleanPriorDefault: 0.05,
      cleanPriorWeight: 10,
      ownLevelFrames: 10,
      thresholdLow: 0.38,
      thresholdHigh: 0.78,
      shortMeanMultiple: 3.8,
      pauseFactor: 1.75,
      warnFactor: 1,
      sensitivityMin: 0.8,
      sensitivityMax: 1.2,
    });
  });

  it('starts the long mean from the clean prior, counted as 10 frames, and computes the first frame by hand', () => {
    const first = scoreFrame(createFailureScoreState(), 1, 1);
    expect(first.state.ewm).toBeCloseTo(0.3, 12);
    expect(first.adj).toBeCloseTo(0.3 - (0.05 + 0.95 / 11), 12);
    expect(first.pauseAdj).toBeCloseTo(first.adj / 1.75, 12);
    expect(first.verdict).toBe('fine');
    // A fine frame is learned: the print's mean is exact, the long mean moves by 1/11 of the way.
    expect(first.state).toMatchObject({ shortMean: 1, shortFrames: 1, longWeight: 11, printFrames: 1 });
    expect(first.state.longMean).toBeCloseTo(0.05 + 0.95 / 11, 12);
    expect(first.state.settledLongMean).toBe(0.05);
    // The model's own prior when it names one.
    const withPrior = scoreFrame(createFailureScoreState(), 0.2, 1, { cleanPrior: 0.2 });
    expect(withPrior.state.longMean).toBeCloseTo(0.2, 12);
    expect(withPrior.state.settledLongMean).toBe(0.2);
  });

  // The four cases of issue 12 point 4.
  it("warns on a new printer's first print going to spaghetti after 10 clean frames, and pauses", () => {
    const { verdicts } = feed(createFailureScoreState(), [...frames(10, CLEAN), ...frames(6, SPAGHETTI)]);
    expect(verdicts.slice(0, 10)).toEqual(frames(10, 0).map(() => 'fine'));
    // Warning on the 2nd spaghetti frame (20 s at 1 frame/10 s), pause on the 4th: within the 3 and 6.
    expect(verdicts.slice(10)).toEqual(['fine', 'warn', 'warn', 'pause', 'pause', 'pause']);
  });

  it('warns on spaghetti from the first frame of a print on an established printer', () => {
    const { verdicts } = feed(startNewPrint(established()), frames(4, SPAGHETTI));
    expect(verdicts).toEqual(['fine', 'warn', 'warn', 'pause']);
  });

  it('never warns on a camera whose clean frames score a steady 0.6, from its first print on', () => {
    let state = createFailureScoreState();
    for (const sensitivity of [1, 1.2]) {
      for (let print = 0; print < 3; print++) {
        const result = feed(state, frames(400, 0.6), sensitivity);
        expect(new Set(result.verdicts)).toEqual(new Set(['fine']));
        state = startNewPrint(result.state);
      }
    }
    expect(state.longMean).toBeCloseTo(0.6, 2);
  });

  it('leaves the baseline unchanged for frames scored while an alert is open', () => {
    const before = feed(createFailureScoreState(), frames(40, CLEAN)).state;
    const during = feed(before, [0.3, 0.5, 0.1, 0.9, 0.02], 1, { learn: false }).state;
    expect(during).toMatchObject({
      longMean: before.longMean,
      longWeight: before.longWeight,
      shortMean: before.shortMean,
      shortFrames: before.shortFrames,
      printFrames: 45,
    });
  });

  it('keeps failing frames, and the jump that starts them, out of both means: the print stays failing', () => {
    const before = feed(createFailureScoreState(), frames(40, CLEAN)).state;
    const { state, verdicts } = feed(before, frames(30, SPAGHETTI));
    expect(verdicts.filter((v) => v === 'fine')).toHaveLength(1); // the first frame was not yet failing...
    expect(verdicts.slice(-20)).toEqual(frames(20, 0).map(() => 'pause'));
    // ...but it waited to be learned, and the warning after it dropped it: neither mean saw a spaghetti frame (the one
    // clean frame it pushed out of the wait was learned).
    expect(before.pending).toEqual([CLEAN, CLEAN]);
    expect(state).toMatchObject({
      pending: [],
      shortFrames: before.shortFrames + 1,
      longWeight: before.longWeight + 1,
    });
    expect(state.shortMean).toBeCloseTo(CLEAN, 12);
    expect(state.longMean).toBeLessThan(before.longMean);
  });

  it("pauses a failure the model scores well below 1 on a new printer's camera whose clean frames score 0.16", () => {
    // The default model on a real Ender-3 webcam (in sample): clean frames 0.163, its spaghetti 0.915, the model's clean
    // prior 0.167. Learning the first spaghetti frames (judged fine while the ewm rises) at once used to lift the long
    // mean to 0.233, and the pause check levelled off at 0.37, below 0.38: it never paused. Now it pauses on the 7th
    // frame: the ewm needs that long to climb 0.665 (0.38 x 1.75) above the baseline at p = 0.915.
    const prior = { cleanPrior: 0.167 };
    const { verdicts, state } = feed(createFailureScoreState(), [...frames(10, 0.163), ...frames(12, 0.915)], 1, prior);
    expect(verdicts.slice(0, 10)).toEqual(frames(10, 0).map(() => 'fine'));
    const failing = verdicts.slice(10);
    expect(failing.indexOf('warn') + 1).toBeLessThanOrEqual(3);
    expect(failing.indexOf('pause') + 1).toBe(7);
    expect(state.longMean).toBeCloseTo((10 * 0.167 + 10 * 0.163) / 20, 6);
  });

  it("pauses within 6 frames a failure scored 0.87 over clean frames at 0.11 (the 5x5 model's prior), 0.85 on the 7th", () => {
    // models/default/README.md ("What it is and isn't good at") counts the Ender-3 webcam's spaghetti frames at 0.87
    // or more on this: at default sensitivity, one frame every 10 s, that is a pause within a minute.
    const prior = { cleanPrior: 0.1141 };
    const pauseAt = (p: number) => {
      const { verdicts } = feed(createFailureScoreState(), [...frames(10, 0.11), ...frames(12, p)], 1, prior);
      expect(verdicts.slice(0, 10).every((verdict) => verdict === 'fine')).toBe(true);
      const failing = verdicts.slice(10);
      expect(failing.indexOf('warn') + 1).toBeLessThanOrEqual(3);
      return failing.indexOf('pause') + 1;
    };
    expect(pauseAt(0.99)).toBe(4);
    expect(pauseAt(0.87)).toBe(6);
    expect(pauseAt(0.85)).toBe(7);
    expect(pauseAt(0.8)).toBe(10);
  });

  it('does not warn on a single hot frame (a hand in front of the camera), even at sensitivity 1.2', () => {
    const { verdicts } = feed(startNewPrint(established()), [...frames(20, CLEAN), 1, ...frames(10, CLEAN)], 1.2);
    expect(new Set(verdicts)).toEqual(new Set(['fine']));
  });

  it('takes the frames of a failed print out of the long mean, and keeps those of a good one', () => {
    const base = established();
    const print = feed(startNewPrint(base), [...frames(50, 0.3)]).state;
    expect(print.longMean).toBeGreaterThan(base.longMean);
    const failed = settlePrint(print, false);
    expect([failed.longMean, failed.longWeight]).toEqual([base.longMean, base.longWeight]);
    const good = settlePrint(print, true);
    expect([good.settledLongMean, good.longMean]).toEqual([print.longMean, print.longMean]);
    // Settled once: a late second verdict changes nothing.
    expect(settlePrint(failed, true)).toEqual(failed);
    // A settled print's late frames are scored but not learned.
    const late = scoreFrame(failed, 0.3, 1);
    expect(late.learned).toBe(false);
    expect(late.state.longMean).toBe(base.longMean);
  });

  it('drops an unsettled print that raised an alert when the next one starts, unless it was a false alarm', () => {
    const base = established();
    const print = feed(startNewPrint(base), frames(50, 0.3)).state;
    expect(startNewPrint(markPrintAlerted(print, true)).longMean).toBe(base.longMean);
    expect(startNewPrint(markPrintAlerted(markPrintAlerted(print, true), false)).longMean).toBe(print.longMean);
    expect(startNewPrint(print)).toMatchObject({
      printFrames: 0,
      ewm: 0,
      shortMean: 0,
      shortFrames: 0,
      printAlerted: false,
      printSettled: false,
      longMean: print.longMean,
      settledLongMean: print.longMean,
    });
  });

  it('takes a configured hard warm-up (DETECTION_WARMUP_FRAMES) before any decision', () => {
    const scores = [...frames(10, CLEAN), ...frames(6, SPAGHETTI)];
    const { verdicts } = feed(createFailureScoreState(), scores, 1, { warmUpFrames: 14 });
    expect(verdicts.slice(0, 14)).toEqual(frames(14, 0).map(() => 'fine'));
    // The undecided spaghetti frames 11 and 12 were learned (Obico learns during its warm-up too), 13 and 14 still wait.
    expect(verdicts.slice(14)).toEqual(['pause', 'pause']);
    expect(scoreFrame(createFailureScoreState(), 5, 1, { warmUpFrames: 1 }).decided).toBe(false);
  });

  it('scales adj by the sensitivity, clamped to 0.8-1.2', () => {
    const before = feed(startNewPrint(established()), frames(20, CLEAN)).state;
    const at = (s: number) => scoreFrame(feed(before, [0.7, 0.7], s).state, 0.7, s);
    expect(at(0.8).verdict).toBe('fine');
    expect(at(1).verdict).toBe('warn');
    expect(at(0.1).sensitivity).toBe(0.8);
    expect(at(0.1).verdict).toBe('fine');
    expect(at(5).sensitivity).toBe(1.2);
    expect(at(5).adj).toBeCloseTo(at(1.2).adj, 12);
    expect(at(5).adj).toBeGreaterThan(at(1).adj);
    expect(at(5).verdict).toBe('warn'); // pauseAdj below 0.38
    expect(scoreFrame(before, 0.55, Number.NaN).sensitivity).toBe(1);
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

  it('carries a version 1 state over (its long mean is the printer memory) and rejects what is not a state', () => {
    const old = {
      version: 1,
      printFrames: 5,
      lifetimeFrames: 9000,
      lastScore: 0.1,
      ewm: 0.1,
      shortMean: 0.1,
      longMean: 0.04,
    };
    expect(parseFailureScoreState(old)).toMatchObject({
      version: 3,
      pending: [],
      longMean: 0.04,
      longWeight: 7200,
      settledLongMean: 0.04,
      shortFrames: 5,
    });
    // A version 2 state (before frames were learned late) is carried over with nothing waiting.
    const { pending: _, ...two } = { ...feed(createFailureScoreState(), frames(20, CLEAN)).state, version: 2 };
    expect(parseFailureScoreState(two)).toEqual({ ...two, version: 3, pending: [] });
    expect(() => parseFailureScoreState({ version: 2, printFrames: 'x' })).toThrow();
    expect(() => parseFailureScoreState({ ...createFailureScoreState(), pending: [0.1, 0.1, 0.1] })).toThrow();
    expect(() => parseFailureScoreState({ ...createFailureScoreState(), ewm: -1 })).toThrow();
    expect(() => parseFailureScoreState({ ...createFailureScoreState(), extra: 1 })).toThrow();
    expect(parseFailureScoreState(createFailureScoreState())).toEqual(createFailureScoreState());
  });

  it('stops alerting on a level the operator called a false alarm, and still alerts on a further jump', () => {
    const clean40 = feed(startNewPrint(established()), frames(40, CLEAN)).state;
    const raised = feed(clean40, frames(10, 0.5));
    expect(raised.verdicts.slice(-3)).toEqual(['warn', 'warn', 'warn']);
    const accepted = acceptPrintLevel(raised.state);
    expect(accepted.shortMean).toBeCloseTo(raised.state.ewm, 12);
    expect(new Set(feed(accepted, frames(100, 0.5)).verdicts)).toEqual(new Set(['fine']));
    expect(feed(accepted, frames(6, SPAGHETTI)).verdicts).toContain('warn');
    // Nothing to accept at the start of a print, or below the print's mean.
    expect(acceptPrintLevel(startNewPrint(raised.state))).toEqual(startNewPrint(raised.state));
  });
});
