/** Labels needed before a training is allowed (GET /detector `minimum`). */
export const DETECTOR_MINIMUM_LABELS = { failure: 10, ok: 10 } as const;
/** Most labelled frames one training embeds and learns from (the newest). */
export const DETECTOR_MAX_TRAINING_FRAMES = 5_000;
/** Heads GET /detector lists, newest first. */
export const DETECTOR_HEADS_LISTED = 20;
/** A training queued or running for longer than this is taken as lost (its process died): another may start. */
export const DETECTOR_TRAINING_STALE_MS = 30 * 60_000;
