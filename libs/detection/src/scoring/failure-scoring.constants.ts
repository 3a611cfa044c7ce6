/**
 * The failure-scoring constants: Obico's (obico-server, backend/app/lib/prediction.py and settings) where they still
 * hold, and the changes the goals needed, each with its reason. Change one only with a measurement that shows
 * why, and write the reason beside it.
 *
 * Why Obico's recipe needed changes (issue 12 point 4), measured with `scoreFrame` at one frame every 10 s:
 * - Obico's long mean starts at 0 and learns from every frame, so a new printer had no baseline (30 frames of
 *   warm-up) and a printer that started with spaghetti learned the spaghetti as normal. Here the long mean starts at
 *   the model's clean prior, counted as `cleanPriorWeight` frames, and only frames judged fine, outside an open alert,
 *   of prints that did not end as failures feed it (see `failure-scoring.ts`).
 * - Obico's ewm (span 12) needs 8+ frames of a probability near 1 to move 0.38 above a clean baseline, and its pause
 *   (adj / 1.75 above 0.78, or above 0.38 and 3.8 x (short - long)) needs a sum of box confidences well above 1: a
 *   probability model (p <= 1) could warn after a minute and a half and never pause. With alpha 0.3, one frame of
 *   p = 1 over a clean baseline stays below 0.38 even at sensitivity 1.2 (a hand in front of the camera), the second
 *   frame warns and the fourth or fifth pauses (tests in failure-scoring.spec.ts).
 * - Obico's 30-frame warm-up (5 minutes) blocked any warning in time. The absolute check (adj above `thresholdHigh`)
 *   compares with the long mean, which the prior makes meaningful from the first frame of a new printer; the relative
 *   check needs the print's short mean, which means little over a handful of frames, so that mean is shrunk toward the
 *   long mean while the print is young (`shortPriorWeight`). A new printer's camera that scores a steady 0.6 still
 *   never warns: its long mean moves from the prior to 0.6 faster than the ewm rises (adj peaks near 0.29).
 * - The short mean learns only from frames judged fine too, so the first failure frames do not raise the bar the
 *   relative check sets (3.8 x (short - long)) and hold back the pause they should lead to.
 * - A fine frame teaches the means only once `learnLag` later frames were fine too: the first frames of a failure are
 *   judged fine while the ewm rises, and an alert drops the frames still waiting. Learning them at once lifted the
 *   baseline by (p - long) / (weight + 1) each: a model that scores a real Ender-3 webcam's spaghetti 0.915 over clean
 *   frames at 0.16 (a new printer: the prior and 10 frames weigh 20) lifted the long mean from 0.165 to 0.233 in two
 *   frames, and the pause check levelled off at 0.37, below 0.38: it warned and never paused. With the lag it pauses
 *   on the 7th failure frame (the ewm needs that long to climb 0.665 above the baseline at p = 0.915). A printer's
 *   first `ownLevelFrames` frames are learned at once: they are its camera's own level (a steady 0.6 never warns).
 */
export const FAILURE_SCORING = {
  /** EWM smoothing factor for the frame score (Obico: 2 / 13, span 12; see above). */
  ewmAlpha: 0.3,
  /** Window (in frames) of the short streaming mean over the current print. */
  shortWindow: 310,
  /** Window (in frames) of the long streaming mean over the printer's lifetime; survives new prints. */
  longWindow: 7200,
  /**
   * Obico's 30 undecided frames at the start of every print, replaced by a soft warm-up: the relative check uses the
   * print's short mean shrunk toward the long mean as if the print had this many frames at the printer's usual level,
   * so a print's first frames are compared with the printer, and its own mean takes over as it grows. A hard warm-up
   * (no decision at all) is still available through DETECTION_WARMUP_FRAMES, default 0.
   */
  shortPriorWeight: 30,
  /** The clean prior when the model names none (manifest `scoring.cleanPrior`): a calibrated clean frame's score. */
  cleanPriorDefault: 0.05,
  /** How many frames the prior counts for in the long mean: a new printer's own clean frames outweigh it in minutes. */
  cleanPriorWeight: 10,
  /**
   * A printer's first frames (lifetime) teach the baseline at once, whatever they score: its camera's own level.
   * After them, frames are learned `learnLag` frames late.
   */
  ownLevelFrames: 10,
  /** A fine frame is learned after this many further frames were fine (an alert drops the frames still waiting). */
  learnLag: 2,
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
