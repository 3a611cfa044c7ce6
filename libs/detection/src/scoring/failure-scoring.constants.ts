/**
 * Obico's failure-scoring constants (obico-server, backend/app/lib/prediction.py and settings), kept in one place.
 * Change one only with a measurement that shows why, and write the reason beside it.
 */
export const FAILURE_SCORING = {
  /** EWM smoothing factor for the frame score: 2 / (span + 1) with span 12, Obico's grid-searched optimum. */
  ewmAlpha: 2 / 13,
  /** Window (in frames) of the short streaming mean over the current print. */
  shortWindow: 310,
  /** Window (in frames) of the long streaming mean over the printer's lifetime; survives new prints. */
  longWindow: 7200,
  /** No decision during the first frames of a print while the means settle. */
  warmUpFrames: 30,
  /** adj below this is always fine. */
  thresholdLow: 0.38,
  /** adj above this is always failing. */
  thresholdHigh: 0.78,
  /** Between the thresholds, failing only if adj exceeds (short - long) times this. */
  shortMeanMultiple: 3.8,
  /** Escalating factor for the pause decision (harder to reach than the warning). */
  pauseFactor: 1.75,
  /** Escalating factor for the warning decision. */
  warnFactor: 1,
  /** Per-printer sensitivity bounds and default. */
  sensitivityMin: 0.8,
  sensitivityMax: 1.2,
  sensitivityDefault: 1,
} as const;
