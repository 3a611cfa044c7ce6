import { z } from 'zod';
import { FAILURE_SCORING } from './failure-scoring.constants';

/**
 * Per-printer scoring state. Plain JSON (numbers and flags) so it can live in Redis or a Postgres jsonb column between
 * frames; `parseFailureScoreState` validates what comes back.
 */
export interface FailureScoreState {
  version: 3;
  /** Frames scored in the current print (Obico's current_frame_num). */
  printFrames: number;
  /** Frames scored over the printer's lifetime (Obico's lifetime_frame_num); survives new prints. */
  lifetimeFrames: number;
  /** Frame score p of the last frame. */
  lastScore: number;
  /** Exponentially weighted mean of p over the current print. */
  ewm: number;
  /** Mean of p over the current print's frames judged fine (window FAILURE_SCORING.shortWindow). */
  shortMean: number;
  /** How many frames the short mean holds. */
  shortFrames: number;
  /** The printer's usual score: the clean prior, then frames judged fine (window FAILURE_SCORING.longWindow). */
  longMean: number;
  /** How many frames the long mean counts, the prior's included; 0 until the prior is applied. */
  longWeight: number;
  /** The long mean before the current print: what it returns to when the print turns out to be a failure. */
  settledLongMean: number;
  settledLongWeight: number;
  /** An alert was raised in the current print (and not marked a false alarm). */
  printAlerted: boolean;
  /** The current print has ended and its frames were kept in the long mean or taken out of it. */
  printSettled: boolean;
  /**
   * Scores of the last fine frames, oldest first, not learned yet (at most FAILURE_SCORING.learnLag): they join the
   * means once as many later frames were fine, and are dropped when a frame warns or pauses (they began the failure).
   */
  pending: number[];
}

export type FailureVerdict = 'fine' | 'warn' | 'pause';

export interface FrameScoring {
  state: FailureScoreState;
  verdict: FailureVerdict;
  /** False during a configured hard warm-up, when the verdict is always 'fine'. */
  decided: boolean;
  /** (ewm - long) x sensitivity / warn factor: what the warning compares with the thresholds. */
  adj: number;
  /** (ewm - long) x sensitivity / pause factor: what the pause compares with the thresholds. */
  pauseAdj: number;
  /** The sensitivity actually used, after clamping to the allowed range. */
  sensitivity: number;
  /** Whether this frame fed the short and long means, or waits to (FAILURE_SCORING.learnLag). */
  learned: boolean;
}

const finiteNonNegative = z.number().finite().nonnegative();
const count = z.number().int().nonnegative();

const versionTwoFields = {
  printFrames: count,
  lifetimeFrames: count,
  lastScore: finiteNonNegative,
  ewm: finiteNonNegative,
  shortMean: finiteNonNegative,
  shortFrames: count,
  longMean: finiteNonNegative,
  longWeight: count,
  settledLongMean: finiteNonNegative,
  settledLongWeight: count,
  printAlerted: z.boolean(),
  printSettled: z.boolean(),
};

export const failureScoreStateSchema = z.strictObject({
  version: z.literal(3),
  ...versionTwoFields,
  pending: z.array(finiteNonNegative).max(FAILURE_SCORING.learnLag),
});

/** The state stored before frames were learned late (no pending frames); read once and carried over. */
const versionTwoSchema = z.strictObject({ version: z.literal(2), ...versionTwoFields });

/** The state stored before the clean prior (Obico's fields only); read once and carried over. */
const versionOneSchema = z.strictObject({
  version: z.literal(1),
  printFrames: count,
  lifetimeFrames: count,
  lastScore: finiteNonNegative,
  ewm: finiteNonNegative,
  shortMean: finiteNonNegative,
  longMean: finiteNonNegative,
});

export function createFailureScoreState(): FailureScoreState {
  return {
    version: 3,
    printFrames: 0,
    lifetimeFrames: 0,
    lastScore: 0,
    ewm: 0,
    shortMean: 0,
    shortFrames: 0,
    longMean: 0,
    longWeight: 0,
    settledLongMean: 0,
    settledLongWeight: 0,
    printAlerted: false,
    printSettled: false,
    pending: [],
  };
}

/**
 * The print ended: its frames stay in the long mean (`keep`), or the long mean returns to where it was before the
 * print (a failed print, one cancelled after an alert, one marked a failure). Settling twice changes nothing.
 */
export function settlePrint(state: FailureScoreState, keep: boolean): FailureScoreState {
  if (state.printSettled) return state;
  if (keep)
    return { ...state, settledLongMean: state.longMean, settledLongWeight: state.longWeight, printSettled: true };
  return { ...state, longMean: state.settledLongMean, longWeight: state.settledLongWeight, printSettled: true };
}

/**
 * A new print starts from zero, except the long mean, which describes the printer's usual score. A previous print
 * that was never settled (its end was not seen) keeps its frames unless it raised an alert.
 */
export function startNewPrint(state: FailureScoreState): FailureScoreState {
  const settled = settlePrint(state, !state.printAlerted);
  return {
    ...settled,
    printFrames: 0,
    lastScore: 0,
    ewm: 0,
    shortMean: 0,
    shortFrames: 0,
    printAlerted: false,
    printSettled: false,
    // The last frames of the previous print (at most learnLag) are not learned: too few to matter, and unconfirmed.
    pending: [],
  };
}

/** An alert was raised in this print (`true`), or the operator called it a false alarm (`false`). */
export function markPrintAlerted(state: FailureScoreState, alerted: boolean): FailureScoreState {
  return { ...state, printAlerted: alerted };
}

/**
 * The operator called the alert a false alarm: the level the print is at now is this print's normal. Failing frames
 * never feed the short mean, so without this a print that settled at a higher level (new light, another filament)
 * would alert again after every cooldown; its short mean rises to the ewm, and only a further jump alerts.
 */
export function acceptPrintLevel(state: FailureScoreState): FailureScoreState {
  if (state.shortFrames === 0 || state.ewm <= state.shortMean) return state;
  return { ...state, shortMean: state.ewm };
}

/** Validates a state read back from storage (a version 1 state is carried over); throws a ZodError on anything else. */
export function parseFailureScoreState(value: unknown): FailureScoreState {
  const old = versionOneSchema.safeParse(value);
  if (old.success) {
    const weight = Math.min(old.data.lifetimeFrames, FAILURE_SCORING.longWindow);
    return {
      ...createFailureScoreState(),
      printFrames: old.data.printFrames,
      lifetimeFrames: old.data.lifetimeFrames,
      lastScore: old.data.lastScore,
      ewm: old.data.ewm,
      shortMean: old.data.shortMean,
      shortFrames: old.data.printFrames,
      longMean: old.data.longMean,
      longWeight: weight,
      settledLongMean: old.data.longMean,
      settledLongWeight: weight,
    };
  }
  const two = versionTwoSchema.safeParse(value);
  if (two.success) return { ...two.data, version: 3, pending: [] };
  return failureScoreStateSchema.parse(value);
}

export function clampSensitivity(sensitivity: number): number {
  if (!Number.isFinite(sensitivity)) return FAILURE_SCORING.sensitivityDefault;
  return Math.min(FAILURE_SCORING.sensitivityMax, Math.max(FAILURE_SCORING.sensitivityMin, sensitivity));
}

/** A streaming mean over the last `window` samples (exact until the window is full, then exponential). */
function nextMean(p: number, mean: number, samples: number, window: number): number {
  return mean + (p - mean) / Math.min(samples + 1, window);
}

function isFailing(adj: number, shortMean: number, longMean: number): boolean {
  if (adj < FAILURE_SCORING.thresholdLow) return false;
  if (adj > FAILURE_SCORING.thresholdHigh) return true;
  return adj > (shortMean - longMean) * FAILURE_SCORING.shortMeanMultiple;
}

export interface ScoringOptions {
  /**
   * Frames of a print before any decision (DETECTION_WARMUP_FRAMES): 0 by default, since the clean prior and the
   * shrunk short mean make the first frames decidable (see FAILURE_SCORING.shortPriorWeight).
   */
  warmUpFrames?: number;
  /** The model's clean prior (its manifest's `scoring.cleanPrior`); FAILURE_SCORING.cleanPriorDefault when absent. */
  cleanPrior?: number;
  /** False while an alert of this print is open: the frame is scored but feeds neither mean. */
  learn?: boolean;
}

/**
 * Adds one frame score p (sum of detection confidences, or the head's probability) to the state and decides.
 * Pure: returns a new state and never mutates the given one.
 */
export function scoreFrame(
  state: FailureScoreState,
  p: number,
  sensitivity: number,
  options: ScoringOptions = {},
): FrameScoring {
  if (!Number.isFinite(p) || p < 0) throw new RangeError(`frame score must be a finite number >= 0, got ${p}`);
  const usedSensitivity = clampSensitivity(sensitivity);
  let base = state;
  if (base.longWeight === 0) {
    const prior = options.cleanPrior;
    const cleanPrior =
      prior !== undefined && Number.isFinite(prior) && prior >= 0 ? prior : FAILURE_SCORING.cleanPriorDefault;
    const weight = FAILURE_SCORING.cleanPriorWeight;
    base = {
      ...base,
      longMean: cleanPrior,
      longWeight: weight,
      settledLongMean: cleanPrior,
      settledLongWeight: weight,
    };
  }
  const ewm = p * FAILURE_SCORING.ewmAlpha + base.ewm * (1 - FAILURE_SCORING.ewmAlpha);
  // A new printer's first frames are learned at once (its camera's own level): the decision sees the means with this
  // frame, and they are kept if it is fine. Later frames are learned late: the decision sees the means as they are.
  const learnNow = base.lifetimeFrames < FAILURE_SCORING.ownLevelFrames;
  const withFrame = learnNow ? learn(base, p) : base;
  const { shortMean, shortFrames, longMean } = withFrame;
  const prior = FAILURE_SCORING.shortPriorWeight;
  const printMean = (shortFrames * shortMean + prior * longMean) / (shortFrames + prior);

  const excess = (ewm - longMean) * usedSensitivity;
  const adj = excess / FAILURE_SCORING.warnFactor;
  const pauseAdj = excess / FAILURE_SCORING.pauseFactor;
  const printFrames = base.printFrames + 1;
  const warmUpFrames = Math.max(0, Math.floor(options.warmUpFrames ?? 0));
  const decided = printFrames > warmUpFrames;
  let verdict: FailureVerdict = 'fine';
  if (decided) {
    if (isFailing(pauseAdj, printMean, longMean)) verdict = 'pause';
    else if (isFailing(adj, printMean, longMean)) verdict = 'warn';
  }
  // Frames of a print that has ended (late in the queue) belong to a settled print: they do not move the long mean.
  const learned = verdict === 'fine' && options.learn !== false && !base.printSettled;
  const counters = { printFrames, lifetimeFrames: base.lifetimeFrames + 1, lastScore: p, ewm };
  let next: FailureScoreState = { ...base, ...counters };
  if (verdict !== 'fine') next.pending = [];
  else if (learned && learnNow) next = { ...withFrame, ...counters, pending: [] };
  else if (learned) {
    const pending = [...base.pending, p];
    while (pending.length > FAILURE_SCORING.learnLag) next = { ...learn(next, pending.shift()!), pending };
    next.pending = pending;
  }
  return { state: next, verdict, decided, adj, pauseAdj, sensitivity: usedSensitivity, learned };
}

/** The state with frame score p added to the print's short mean and the printer's long mean. */
function learn(state: FailureScoreState, p: number): FailureScoreState {
  return {
    ...state,
    shortMean: nextMean(p, state.shortMean, state.shortFrames, FAILURE_SCORING.shortWindow),
    shortFrames: Math.min(state.shortFrames + 1, FAILURE_SCORING.shortWindow),
    longMean: nextMean(p, state.longMean, state.longWeight, FAILURE_SCORING.longWindow),
    longWeight: Math.min(state.longWeight + 1, FAILURE_SCORING.longWindow),
  };
}
