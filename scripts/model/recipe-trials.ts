/**
 * Recipes tried for issue 12 (recall on held-out sources), measured with `scripts/model/research/loso.py`: the numpy
 * mirror of head-experiments.ts (same rows, weights, standardization, full-batch Adam, LOSO protocol and alert
 * point) on the embedding cache of the same build. The build's own LOSO (TypeScript) gives the shipped figures;
 * the mirror agrees with it to about one photo. Rendered into models/default/README.md.
 */
export interface RecipeTrial {
  recipe: string;
  auc: number;
  /** Failures flagged (of 225) at the pooled alert point (<= 5 % of held-out clean photos flagged). */
  flagged: number;
  aucWebcam: number;
  recallWebcam: number;
  perSource: string;
}

export const RECIPE_TRIALS_NOTE =
  "Measured by the numpy mirror (`python3 scripts/model/research/loso.py FILE RECIPE`, float64 unless noted) on this build's embedding cache, same LOSO protocol and alert point as above; each line changes the baseline as named. The baseline does not reproduce the previous model's figures (AUC 0.9519, 188/225 = 83.6 %): those came from an earlier embedding pass (its head's standardization differs from this pass's by up to 6.7 % per feature); on this pass the same recipe gives 0.9354 and 182/225. The figures move by several photos with small recipe changes (and float32 vs float64 training), so differences of a few photos are noise; one multiple-instance round is the one change that raised pooled recall, AUC and the webcam copies at once (2 rounds: nearly as good), but combined with any other change tried its pooled recall fell below the baseline's: the gain is real on these photos and fragile. Not finished in time: 1000 Adam steps; not tried: more webcam copies (a new embedding pass).";

export const RECIPE_TRIALS: RecipeTrial[] = [
  {
    recipe:
      "baseline: today's recipe on this build's embeddings (groupPower 0, cleanTileWeight 1, L2 0.01, variance floor 0.1, 300 steps, max over tiles)",
    auc: 0.9354,
    flagged: 182,
    aucWebcam: 0.9224,
    recallWebcam: 0.72,
    perSource: 'grigoras 10/13, p3rc1va1 62/85, prottos 103/108, zaccomer 7/19 (10/200)',
  },
  {
    recipe: '**1 multiple-instance round (shipped)**',
    auc: 0.9528,
    flagged: 191,
    aucWebcam: 0.9432,
    recallWebcam: 0.809,
    perSource: 'grigoras 10/13, p3rc1va1 76/85, prottos 99/108, zaccomer 6/19 (10/200)',
  },
  {
    recipe: '2 multiple-instance rounds',
    auc: 0.948,
    flagged: 189,
    aucWebcam: 0.9306,
    recallWebcam: 0.756,
    perSource: 'grigoras 11/13, p3rc1va1 72/85, prottos 100/108, zaccomer 6/19 (10/200)',
  },
  {
    recipe: '1 multiple-instance round, variance floor 0.3',
    auc: 0.933,
    flagged: 176,
    aucWebcam: 0.9193,
    recallWebcam: 0.698,
    perSource: 'grigoras 9/13, p3rc1va1 63/85, prottos 98/108, zaccomer 6/19 (10/200)',
  },
  {
    recipe: '1 multiple-instance round, L2 0.003',
    auc: 0.9303,
    flagged: 171,
    aucWebcam: 0.9009,
    recallWebcam: 0.649,
    perSource: 'grigoras 10/13, p3rc1va1 59/85, prottos 96/108, zaccomer 6/19 (10/200)',
  },
  {
    recipe: '1 multiple-instance round, clean tiles of failure photos weigh 0.5',
    auc: 0.9393,
    flagged: 174,
    aucWebcam: 0.9117,
    recallWebcam: 0.684,
    perSource: 'grigoras 10/13, p3rc1va1 58/85, prottos 99/108, zaccomer 7/19 (10/200)',
  },
  {
    recipe: 'frame score = mean of the 2 hottest tile logits (needs an inference change)',
    auc: 0.942,
    flagged: 180,
    aucWebcam: 0.932,
    recallWebcam: 0.724,
    perSource: 'grigoras 10/13, p3rc1va1 61/85, prottos 104/108, zaccomer 5/19 (10/200)',
  },
  {
    recipe: 'variance floor 0.3',
    auc: 0.9364,
    flagged: 182,
    aucWebcam: 0.9085,
    recallWebcam: 0.702,
    perSource: 'grigoras 9/13, p3rc1va1 61/85, prottos 105/108, zaccomer 7/19 (10/200)',
  },
  {
    recipe: 'L2 0.03',
    auc: 0.9109,
    flagged: 166,
    aucWebcam: 0.8903,
    recallWebcam: 0.587,
    perSource: 'grigoras 8/13, p3rc1va1 52/85, prottos 96/108, zaccomer 10/19 (10/200)',
  },
  {
    recipe: 'L2 0.1',
    auc: 0.9051,
    flagged: 146,
    aucWebcam: 0.8842,
    recallWebcam: 0.538,
    perSource: 'grigoras 7/13, p3rc1va1 35/85, prottos 98/108, zaccomer 6/19 (10/200)',
  },
  {
    recipe: 'clean tiles of failure photos weigh 3 (hard negatives)',
    auc: 0.8679,
    flagged: 123,
    aucWebcam: 0.8379,
    recallWebcam: 0.4,
    perSource: 'grigoras 7/13, p3rc1va1 27/85, prottos 84/108, zaccomer 5/19 (10/200)',
  },
  {
    recipe: 'groupPower 0.5 (float32 mirror, F32=1; the baseline in float32: AUC 0.9292, 171/225)',
    auc: 0.9106,
    flagged: 164,
    aucWebcam: 0.8887,
    recallWebcam: 0.56,
    perSource: 'grigoras 10/13, p3rc1va1 60/85, prottos 88/108, zaccomer 6/19 (10/200)',
  },
];
